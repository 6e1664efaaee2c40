import { Injectable } from '@nestjs/common';
import { Principal, recogniseSecret, SecretHasher } from '@castellan/core';
import { ApiKeyRepository } from './api-key.repository.js';
import { KeyPrincipals } from './key-principals.js';

@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly principals: KeyPrincipals,
  ) {}

  /** The principal for a key and secret, or null for anything unknown, disabled or wrong. */
  async verify(apiKey: string, secret: string): Promise<Principal | null> {
    // A string that is not a well-formed secret cannot match, and costs no database round trip.
    const kind = recogniseSecret(secret);
    if (!kind) return null;
    const key = await this.keys.findForAuthentication(apiKey);
    if (!key || key.kind !== kind || !key.enabled || !this.hasher.matches(secret, key.secretHash)) return null;
    // A user key acts with its user's privileges as they are now: a disabled or deleted user stops it.
    const { principal, usable } = await this.principals.resolve(key);
    return usable ? principal : null;
  }
}

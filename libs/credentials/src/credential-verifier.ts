import { Injectable } from '@nestjs/common';
import { Principal, recogniseSecret, SecretHasher } from '@castellan/core';
import { ApiKeyRepository } from './api-key.repository.js';

@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
  ) {}

  /** The principal for a key and secret, or null for anything unknown, disabled or wrong. */
  async verify(apiKey: string, secret: string): Promise<Principal | null> {
    // A string that is not a well-formed secret cannot match, and costs no database round trip.
    const kind = recogniseSecret(secret);
    if (!kind) return null;
    const key = await this.keys.findForAuthentication(apiKey);
    if (!key || key.kind !== kind || !key.enabled || !this.hasher.matches(secret, key.secretHash)) return null;
    return {
      kind: key.kind,
      keyId: key.id,
      apiKey: key.apiKey,
      name: key.name,
      accountId: key.accountId,
      environmentId: key.environmentId,
      rules: key.rules,
    };
  }
}

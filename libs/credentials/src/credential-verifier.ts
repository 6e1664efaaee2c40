import { Inject, Injectable, Optional } from '@nestjs/common';
import { ACCOUNT_KEY_POLICY, AuthFailureReason, ipInRanges, Principal, recogniseSecret, SecretHasher } from '@castellan/core';
import type { AccountKeyPolicy } from '@castellan/core';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { KeyPrincipals } from './key-principals.js';

/** A verified key, or why it was refused (with the key, when the api_key named one). */
export type Verification = { principal: Principal } | { failure: AuthFailureReason; key: ApiKeyEntity | null };

/** Whether the secret is the key's current one, or the one a rotation replaced while its grace period lasts. */
export function secretMatches(hasher: SecretHasher, key: ApiKeyEntity, secret: string, now: Date): boolean {
  if (hasher.matches(secret, key.secretHash)) return true;
  return key.previousSecretHash !== null && key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt > now && hasher.matches(secret, key.previousSecretHash);
}

@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly principals: KeyPrincipals,
    // Absent only where account security is not loaded (some CLI commands).
    @Optional() @Inject(ACCOUNT_KEY_POLICY) private readonly accountPolicy?: AccountKeyPolicy,
  ) {}

  /**
   * Checks a key and secret presented from `ip`. The secret is checked first, so that only its holder learns
   * (through the audit log) that a key is disabled, expired or used from the wrong place.
   */
  async verify(apiKey: string, secret: string, ip: string, now = new Date()): Promise<Verification> {
    // A string that is not a well-formed secret cannot match, and costs no database round trip.
    const kind = recogniseSecret(secret);
    if (!kind) return { failure: AuthFailureReason.MalformedSecret, key: null };
    const key = await this.keys.findForAuthentication(apiKey);
    if (!key) return { failure: AuthFailureReason.UnknownKey, key: null };
    if (key.kind !== kind || !secretMatches(this.hasher, key, secret, now)) return { failure: AuthFailureReason.WrongSecret, key };
    if (!key.enabled) return { failure: AuthFailureReason.KeyDisabled, key };
    if (key.expiresAt !== null && key.expiresAt <= now) return { failure: AuthFailureReason.KeyExpired, key };
    if (key.allowedIps !== null && !ipInRanges(ip, key.allowedIps)) return { failure: AuthFailureReason.IpNotAllowed, key };
    const accountRanges = await this.accountPolicy?.allowedIps(key.accountId);
    if (accountRanges && !ipInRanges(ip, accountRanges)) return { failure: AuthFailureReason.IpNotAllowed, key };
    // A user key acts with its user's privileges as they are now: a disabled or deleted user stops it.
    const { principal, usable } = await this.principals.resolve(key);
    return usable ? { principal } : { failure: AuthFailureReason.UserUnavailable, key };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { AppError, AuthFailureReason, ErrorCode, ipInRanges, Principal, recogniseSecret, SecretHasher } from '@castellan/core';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { KeyCache, VerifiedKey } from './key-cache.js';
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
  private readonly logger = new Logger('Authentication');
  private storeDown = false;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly principals: KeyPrincipals,
    private readonly cache: KeyCache,
  ) {}

  /**
   * Checks a key and secret presented from `ip`. The secret is checked first, so that only its holder learns
   * (through the audit log) that a key is disabled, expired or used from the wrong place. Answered from the
   * cache when it holds the key (the secret, expiry and grace period are still checked now); 503 when the key
   * is not cached and the database cannot be read: unknown keys fail closed.
   */
  async verify(apiKey: string, secret: string, ip: string, now = new Date()): Promise<Verification> {
    // A string that is not a well-formed secret cannot match, and costs no database round trip.
    const kind = recogniseSecret(secret);
    if (!kind) return { failure: AuthFailureReason.MalformedSecret, key: null };
    const entry = await this.lookup(apiKey);
    if (!entry) return { failure: AuthFailureReason.UnknownKey, key: null };
    const { key } = entry;
    if (key.kind !== kind || !secretMatches(this.hasher, key, secret, now)) return { failure: AuthFailureReason.WrongSecret, key };
    if (!key.enabled) return { failure: AuthFailureReason.KeyDisabled, key };
    if (key.expiresAt !== null && key.expiresAt <= now) return { failure: AuthFailureReason.KeyExpired, key };
    if (key.allowedIps !== null && !ipInRanges(ip, key.allowedIps)) return { failure: AuthFailureReason.IpNotAllowed, key };
    if (entry.accountRanges && !ipInRanges(ip, entry.accountRanges)) return { failure: AuthFailureReason.IpNotAllowed, key };
    // A user key acts with its user's privileges as they are now: a disabled or deleted user stops it.
    return entry.usable ? { principal: entry.principal } : { failure: AuthFailureReason.UserUnavailable, key };
  }

  private async lookup(apiKey: string): Promise<VerifiedKey | null> {
    try {
      return await this.cache.get(apiKey, (k) => this.load(k));
    } catch (error) {
      // Once per outage: during one, every request for a key that is not cached ends here.
      if (!this.storeDown) this.logger.error(`The key store cannot be read, keys that are not cached are refused with 503: ${(error as Error).message}`);
      this.storeDown = true;
      throw new AppError(ErrorCode.Unavailable, 'Service unavailable');
    }
  }

  /**
   * Everything about the key that verification and decisions need, so that a hit needs nothing more: the key
   * with its account's allowlist and its environment's state in one query, then its roles or its user's privileges.
   */
  private async load(apiKey: string): Promise<VerifiedKey | null> {
    const found = await this.keys.findForVerification(apiKey);
    // Hits say nothing about the database: only a read does.
    if (this.storeDown) this.logger.log('The key store answers again');
    this.storeDown = false;
    if (!found) return null;
    const { principal, usable } = await this.principals.resolve(found.key, found.environment);
    return { key: found.key, accountRanges: found.accountAllowedIps, principal: Object.freeze(principal), usable };
  }
}

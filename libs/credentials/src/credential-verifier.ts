import { Injectable, Logger } from '@nestjs/common';
import { AppError, AuthFailureReason, ErrorCode, ipInRanges, Principal, recogniseSecret, SecretHasher } from '@castellan/core';
import { KeyCache, VerifiedKey } from './key-cache.js';
import { KeyPrincipals } from './key-principals.js';

/** A verified key, or why it was refused (with what the key is, when the api_key named one). */
export type Verification = { principal: Principal } | { failure: AuthFailureReason; key: RefusedKey | null };

/** Whose key a refusal was about, for the audit log and the throttle. */
export type RefusedKey = Pick<Principal, 'accountId' | 'kind' | 'userId'>;

/** Whether the secret is the key's current one, or the one a rotation replaced while its grace period lasts. */
function secretMatches(hasher: SecretHasher, key: VerifiedKey, secret: string, now: number): boolean {
  if (hasher.matches(secret, key.secretHash)) return true;
  return (
    key.previousSecretHash !== null &&
    key.previousSecretExpiresAt !== null &&
    key.previousSecretExpiresAt > now &&
    hasher.matches(secret, key.previousSecretHash)
  );
}

/**
 * Why a key whose secret was right is still refused, used from `ip` at `now`, or null when it is not: the simulator
 * asks the same question, so that it answers what a real request would.
 */
export function refusalOfUse(entry: VerifiedKey, ip: string, now: number): AuthFailureReason | null {
  if (!entry.enabled) return AuthFailureReason.KeyDisabled;
  if (entry.expiresAt !== null && entry.expiresAt <= now) return AuthFailureReason.KeyExpired;
  if (entry.allowedIps !== null && !ipInRanges(ip, entry.allowedIps)) return AuthFailureReason.IpNotAllowed;
  if (entry.accountRanges && !ipInRanges(ip, entry.accountRanges)) return AuthFailureReason.IpNotAllowed;
  // A user key acts with its user's privileges as they are now: a disabled or deleted user stops it.
  return entry.usable ? null : AuthFailureReason.UserUnavailable;
}

@Injectable()
export class CredentialVerifier {
  private readonly logger = new Logger('Authentication');
  private storeDown = false;

  constructor(
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
  async verify(apiKey: string, secret: string, ip: string, now = Date.now()): Promise<Verification> {
    // A string that is not a well-formed secret cannot match, and costs no database round trip.
    const kind = recogniseSecret(secret);
    if (!kind) return { failure: AuthFailureReason.MalformedSecret, key: null };
    const cached = this.cache.get(apiKey, this.load);
    const entry = cached instanceof Promise ? await this.loaded(cached) : cached;
    if (!entry) return { failure: AuthFailureReason.UnknownKey, key: null };
    const key = entry.principal;
    if (key.kind !== kind || !secretMatches(this.hasher, entry, secret, now)) return { failure: AuthFailureReason.WrongSecret, key };
    const refused = refusalOfUse(entry, ip, now);
    return refused ? { failure: refused, key } : { principal: key };
  }

  private async loaded(pending: Promise<VerifiedKey | null>): Promise<VerifiedKey | null> {
    try {
      return await pending;
    } catch (error) {
      // Once per outage: during one, every request for a key that is not cached ends here.
      if (!this.storeDown)
        this.logger.error(`The key store cannot be read, keys that are not cached are refused with 503: ${(error as Error).message}`);
      this.storeDown = true;
      throw new AppError(ErrorCode.Unavailable, 'Service unavailable');
    }
  }

  private readonly load = async (apiKey: string): Promise<VerifiedKey | null> => {
    const loaded = await this.principals.load(apiKey);
    // Hits say nothing about the database: only a read does.
    if (this.storeDown) this.logger.log('The key store answers again');
    this.storeDown = false;
    return loaded;
  };
}

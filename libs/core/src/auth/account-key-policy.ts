import type { EntityManager } from 'typeorm';

/**
 * An account-wide rule every new key of an account is held to: how long it may live. Provided by libs/security;
 * key issuing asks through this token so that it need not depend on it (libs/environments issues keys too, and
 * security depends on it). Authentication reads the account's allowlist with the key, in one query.
 */
export interface AccountKeyPolicy {
  /** The longest lifetime of a new key in days, or null for no cap; read in the caller's transaction. */
  keyMaxLifetimeDays(manager: EntityManager, accountId: string): Promise<number | null>;
}

export const ACCOUNT_KEY_POLICY = Symbol('ACCOUNT_KEY_POLICY');

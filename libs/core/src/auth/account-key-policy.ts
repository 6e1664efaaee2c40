import type { EntityManager } from 'typeorm';

/**
 * The account-wide rules every key of an account is held to: where its keys may be used from and how long a
 * new key may live. Provided by libs/security; authentication and key issuing ask through this token so that
 * they need not depend on it (libs/environments issues keys too, and security depends on it).
 */
export interface AccountKeyPolicy {
  /** The CIDR ranges the account's keys may be used from, or null for anywhere. */
  allowedIps(accountId: string): Promise<string[] | null>;
  /** The longest lifetime of a new key in days, or null for no cap; read in the caller's transaction. */
  keyMaxLifetimeDays(manager: EntityManager, accountId: string): Promise<number | null>;
}

export const ACCOUNT_KEY_POLICY = Symbol('ACCOUNT_KEY_POLICY');

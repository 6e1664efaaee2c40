import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AccountKeyPolicy } from '@castellan/core';
import { ACCOUNT_KEY_POLICY, AppError, NEVER } from '@castellan/core';
import { ApiKeyRepository } from './api-key.repository.js';
import type { KeyScope } from './key-store.js';

const DAY_MS = 86_400_000;

/**
 * The expiry a key may have under its account's cap on key lifetimes (key_max_lifetime_days; null: no cap).
 * `requested` is a date, null to remove the expiry ("never"), or undefined when not given: a new key then
 * lives as long as the cap allows, and a changed key keeps the expiry it has, so keys made before the cap keep
 * theirs.
 */
export function expiryUnderCap(
  requested: Date | null | undefined,
  maxLifetimeDays: number | null,
  now: Date,
  creating: boolean,
): Date | null | undefined {
  const latest = maxLifetimeDays === null ? null : new Date(now.getTime() + maxLifetimeDays * DAY_MS);
  if (requested === undefined) return creating ? latest : undefined;
  if (requested === null) {
    if (latest) throw AppError.invalid(`expires_at cannot be "${NEVER}" while the account's key_max_lifetime_days is ${maxLifetimeDays}`);
    return null;
  }
  if (requested <= now) throw AppError.invalid('expires_at must be in the future');
  if (latest && requested > latest) {
    throw AppError.invalid(
      `expires_at must be at most ${maxLifetimeDays} days from now: the account's key_max_lifetime_days is ${maxLifetimeDays}`,
    );
  }
  return requested;
}

/** The checks a key's name and expiry pass, when it is made and when they change. */
@Injectable()
export class KeySettings {
  constructor(
    private readonly keys: ApiKeyRepository,
    // Absent only where account security is not loaded (some CLI commands): no cap applies there.
    @Inject(ACCOUNT_KEY_POLICY) private readonly accountPolicy: AccountKeyPolicy,
  ) {}

  /**
   * The expiry to store for a key being made (`creating`) or changed, checked against the account's cap as it
   * is inside the caller's transaction; undefined: unchanged.
   */
  async cappedExpiry(
    manager: EntityManager,
    accountId: string,
    requested: Date | null | undefined,
    creating: boolean,
  ): Promise<Date | null | undefined> {
    if (requested === undefined && !creating) return undefined;
    const cap = (await this.accountPolicy.keyMaxLifetimeDays(manager, accountId)) ?? null;
    return expiryUnderCap(requested, cap, new Date(), creating);
  }

  /** Names identify keys (delete-by-name), so they are unique within their scope. */
  async assertNameFree(manager: EntityManager, accountId: string, scope: KeyScope, name: string, exceptId?: string): Promise<void> {
    const existing = await this.keys.findByName(accountId, scope, name, manager);
    if (existing && existing.id !== exceptId) throw AppError.conflict(`A key named "${name}" already exists`);
  }
}

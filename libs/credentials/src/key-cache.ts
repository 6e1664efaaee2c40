import { LRUCache } from 'lru-cache';
import type { Principal } from '@castellan/core';

/** Keys kept at once; past it the least recently used go. */
export const KEY_CACHE_MAX_ENTRIES = 100_000;

/**
 * How long an api_key that names no key is remembered as unknown: long enough that a flood of made-up keys costs
 * one lookup each per interval, short enough that nothing real is hidden for long. api_keys are random, so a new
 * key is never in this list unless someone guessed it before it existed.
 */
export const UNKNOWN_KEY_TTL_MS = 5_000;

/**
 * Everything verification needs after the lookup, read together on a miss. Compact on purpose, since up to
 * KEY_CACHE_MAX_ENTRIES are held: what keys share (ids, rules, lists, environments) is one shared instance.
 */
export interface VerifiedKey {
  /** Frozen: every request that the entry verifies shares it, and the policy compiled for it. */
  principal: Readonly<Principal>;
  secretHash: string;
  /** The secret a rotation replaced, which verifies until previousSecretExpiresAt (ms since the epoch). */
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  enabled: boolean;
  /** ms since the epoch; null: never. */
  expiresAt: number | null;
  /** The key's allowlist; null for anywhere (the account's still applies). */
  allowedIps: readonly string[] | null;
  /** The account's allowlist; null for anywhere. */
  accountRanges: readonly string[] | null;
  /** False for a user key whose user is gone or disabled. */
  usable: boolean;
}

/**
 * The verification hot path's cache: one entry per api_key, bounded (LRU), at most `maxAgeMs` old, and dropped per
 * account when anything of the account changes. Entries hold no decision that depends on the time (expiry, grace
 * periods): the verifier evaluates those on every request.
 *
 * A load that began before an account's entries were dropped is not kept: it may have read the data as it was
 * before the change. Each drop counts an epoch; a load remembers the epoch it began in.
 */
export class KeyCache {
  private readonly entries: LRUCache<string, VerifiedKey>;
  private readonly unknown: LRUCache<string, true>;
  /** The api_keys cached per account, so that a change drops its account's entries without a scan. */
  private readonly byAccount = new Map<string, Set<string>>();
  /** One load per api_key at a time: a burst of requests for a key that is not cached costs one lookup. */
  private loading = new Map<string, Promise<VerifiedKey | null>>();
  private epoch = 0;
  private clearedAt = 0;
  private readonly droppedAt = new Map<string, number>();

  constructor(maxAgeMs: number, maxEntries = KEY_CACHE_MAX_ENTRIES) {
    this.entries = new LRUCache<string, VerifiedKey>({
      max: maxEntries,
      ttl: maxAgeMs,
      dispose: (entry, apiKey) => this.unindex(entry.principal.accountId, apiKey),
    });
    this.unknown = new LRUCache<string, true>({ max: maxEntries, ttl: UNKNOWN_KEY_TTL_MS });
  }

  /**
   * The entry for `apiKey`, or null when no key has it: at once when memory answers, which is what the hot path
   * runs, or once `load` has read it on a miss (rejecting when `load` does).
   */
  get(apiKey: string, load: (apiKey: string) => Promise<VerifiedKey | null>): VerifiedKey | null | Promise<VerifiedKey | null> {
    const hit = this.entries.get(apiKey);
    if (hit) return hit;
    if (this.unknown.has(apiKey)) return null;
    const running = this.loading.get(apiKey);
    if (running) return running;
    const loaded = this.loadAndKeep(apiKey, load).finally(() => {
      if (this.loading.get(apiKey) === loaded) this.loading.delete(apiKey);
    });
    this.loading.set(apiKey, loaded);
    return loaded;
  }

  /** Forgets every entry of the account, at once: the next request of each of its keys reads the database. */
  drop(accountId: string): void {
    this.droppedAt.set(accountId, this.nextEpoch());
    for (const apiKey of [...(this.byAccount.get(accountId) ?? [])]) this.entries.delete(apiKey);
  }

  /** Forgets everything, for when changes may have gone unannounced (the invalidation channel was down). */
  clear(): void {
    this.clearedAt = this.nextEpoch();
    this.droppedAt.clear();
    this.entries.clear();
    this.unknown.clear();
    this.byAccount.clear();
  }

  /** Loads already running may have read the old data: later requests must not join them. */
  private nextEpoch(): number {
    this.loading = new Map();
    return ++this.epoch;
  }

  private async loadAndKeep(apiKey: string, load: (apiKey: string) => Promise<VerifiedKey | null>): Promise<VerifiedKey | null> {
    const began = this.epoch;
    const entry = await load(apiKey);
    if (!entry) {
      if (this.epoch === began) this.unknown.set(apiKey, true);
      return null;
    }
    const { accountId, apiKey: kept } = entry.principal;
    // Good for the request that loaded it, which ran alongside the change; not for the ones after it.
    if (this.clearedAt > began || (this.droppedAt.get(accountId) ?? 0) > began) return entry;
    // Kept under the entry's own copy of the api_key (the same text): the caller's may be cut from a larger string.
    this.entries.set(kept, entry);
    let keys = this.byAccount.get(accountId);
    if (!keys) this.byAccount.set(accountId, (keys = new Set()));
    keys.add(kept);
    return entry;
  }

  private unindex(accountId: string, apiKey: string): void {
    const keys = this.byAccount.get(accountId);
    if (!keys) return;
    keys.delete(apiKey);
    if (keys.size === 0) this.byAccount.delete(accountId);
  }
}

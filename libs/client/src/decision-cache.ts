import { createHash } from 'node:crypto';
import type { AuthorizeRequest, Decision } from './types.js';

/** A decision may be reused for at most this long: a revoked key or a narrowed rule must bite within seconds. */
export const MAX_CACHE_TTL_MS = 5_000;
export const DEFAULT_CACHE_ENTRIES = 10_000;

export interface DecisionCacheOptions {
  /** How long a decision is reused, at most 5,000 ms. */
  ttlMs: number;
  /** Decisions kept; the least recently used goes first. 10,000 by default. */
  maxEntries?: number;
}

interface Entry {
  decision: Decision;
  expiresAt: number;
}

/**
 * Decisions by credentials digest, action, environment, resource and caller address. Only decisions are kept:
 * a refusal of the credentials or an outage is never reused, so a new key works at once and an outage ends at
 * once. The raw credentials are never held, only their SHA-256.
 */
export class DecisionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(options: DecisionCacheOptions) {
    this.ttlMs = wholeNumberIn('cache.ttlMs', options.ttlMs, 1, MAX_CACHE_TTL_MS);
    this.maxEntries = wholeNumberIn('cache.maxEntries', options.maxEntries ?? DEFAULT_CACHE_ENTRIES, 1, 1_000_000);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Decision | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    // Re-inserted, it becomes the most recently used: a Map iterates in insertion order.
    this.entries.set(key, entry);
    return entry.decision;
  }

  set(key: string, decision: Decision): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { decision, expiresAt: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }

  static keyOf(request: AuthorizeRequest): string {
    const digest = createHash('sha256').update(request.authorization).digest('base64');
    return [digest, request.action, request.cloudName ?? '', request.clientIp ?? '', canonicalJson(request.resource ?? {})].join('\n');
  }
}

/** JSON with object keys sorted at every depth, so that `{a,b}` and `{b,a}` share an entry. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function wholeNumberIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not ${String(value)}`);
  }
  return value;
}

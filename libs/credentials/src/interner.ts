import { LRUCache } from 'lru-cache';

/**
 * Hands out one instance per distinct value, so that the thousands of cached keys that hold equal rules, lists,
 * environments or ids hold one copy between them: the verification cache's memory is mostly what each key holds
 * alone. Bounded: past `max` distinct values the least recently used are forgotten, and the instances already
 * handed out stay as they are, merely unshared. Values handed out must never be changed.
 */
export class Interner {
  private readonly values: LRUCache<string, object | string>;

  constructor(max = 10_000) {
    this.values = new LRUCache({ max });
  }

  string(value: string): string;
  string(value: string | null): string | null;
  string(value: string | null): string | null {
    return value === null ? null : (this.shared(`s${value}`, value) as string);
  }

  /** A JSON-shaped value (plain objects, arrays, strings, numbers, booleans, null), compared by content. */
  json<T>(value: T): T {
    return value === null || typeof value !== 'object' ? value : (this.shared(`j${JSON.stringify(value)}`, value as object) as T);
  }

  private shared(id: string, value: object | string): object | string {
    const kept = this.values.get(id);
    if (kept !== undefined) return kept;
    this.values.set(id, value);
    return value;
  }
}

import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { LimiterStore } from './limiter-store.js';

export interface RequestLimit {
  /** Requests allowed per window. */
  points: number;
  durationSeconds: number;
}

/** The state of one window after a request was counted in it. */
export interface RequestAllowance {
  allowed: boolean;
  limit: number;
  /** Requests left in this window; 0 once it is used up. */
  remaining: number;
  /** When the window ends and the count starts again. */
  resetAt: Date;
  /** Whole seconds until then. */
  retryAfterSeconds: number;
  /**
   * The headers the answer carries: X-FeatureRateLimit-Limit, -Remaining and -Reset (an HTTP date), as
   * Cloudinary sends them and its SDKs read them, and Retry-After when the request is refused.
   */
  headers: Record<string, string>;
}

/**
 * "N requests per window" for anything with an id: a key, a client address. Windows are fixed: the first request
 * opens one for `durationSeconds`, and every request in it counts, refused ones too.
 *
 * One limiter per window length counts every bucket and id, with no limit of its own; each call compares the
 * count with the limit it is given. So limits may differ per id and change between requests (a key's new limit
 * applies on its next request, to the window already running) without a limiter per limit value.
 */
@Injectable()
export class RequestLimiter {
  private readonly windows = new Map<number, RateLimiterAbstract>();

  constructor(private readonly store: LimiterStore) {}

  /** Counts one request of `id` in `bucket` (a name for what is limited, e.g. "key" or "leaks"). */
  async consume(bucket: string, id: string, { points, durationSeconds }: RequestLimit): Promise<RequestAllowance> {
    const { consumedPoints, msBeforeNext } = await this.window(durationSeconds).consume(`${bucket}:${id}`);
    const allowed = consumedPoints <= points;
    const remaining = Math.max(points - consumedPoints, 0);
    const resetAt = new Date(Date.now() + msBeforeNext);
    const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    const headers: Record<string, string> = {
      'X-FeatureRateLimit-Limit': String(points),
      'X-FeatureRateLimit-Remaining': String(remaining),
      'X-FeatureRateLimit-Reset': resetAt.toUTCString(),
    };
    if (!allowed) headers['Retry-After'] = String(retryAfterSeconds);
    return { allowed, limit: points, remaining, resetAt, retryAfterSeconds, headers };
  }

  private window(durationSeconds: number): RateLimiterAbstract {
    let limiter = this.windows.get(durationSeconds);
    if (!limiter) {
      limiter = this.store.limiter(`requests:${durationSeconds}s`, { points: Number.MAX_SAFE_INTEGER, durationSeconds });
      this.windows.set(durationSeconds, limiter);
    }
    return limiter;
  }
}

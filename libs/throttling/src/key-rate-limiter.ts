import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, Principal } from '@castellan/core';
import { RequestLimiter } from './request-limiter.js';

/** rate_limit_per_minute counts requests in windows of this length. */
export const KEY_RATE_WINDOW_SECONDS = 60;

/** Enforces a key's own requests-per-minute limit (rate_limit_per_minute), for keys that have one. */
@Injectable()
export class KeyRateLimiter {
  constructor(private readonly requests: RequestLimiter) {}

  /**
   * Counts one request of an authenticated key. Returns the rate limit headers its answer carries, or null for a
   * key without a limit, which costs nothing. Past the limit, throws a 429 that carries them with Retry-After.
   */
  async consume(principal: Principal): Promise<Record<string, string> | null> {
    const limit = principal.rateLimitPerMinute;
    if (limit === null) return null;
    const allowance = await this.requests.consume('key', principal.keyId, { points: limit, durationSeconds: KEY_RATE_WINDOW_SECONDS });
    if (allowance.allowed) return allowance.headers;
    throw new AppError(
      ErrorCode.TooManyRequests,
      `Rate limit exceeded: ${limit} requests per minute; retry after ${allowance.retryAfterSeconds} seconds`,
      allowance.headers,
    );
  }
}

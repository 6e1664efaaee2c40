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
   * Counts one request of an authenticated key: resolves to the rate limit headers its answer carries, or past the
   * limit rejects with a 429 that carries them with Retry-After. Null, at once, for a key without a limit: most
   * keys have none, and they pay nothing, not even a promise.
   */
  consume(principal: Principal): Promise<Record<string, string>> | null {
    const limit = principal.rateLimitPerMinute;
    return limit === null ? null : this.count(principal.keyId, limit);
  }

  private async count(keyId: string, limit: number): Promise<Record<string, string>> {
    const allowance = await this.requests.consume('key', keyId, { points: limit, durationSeconds: KEY_RATE_WINDOW_SECONDS });
    if (allowance.allowed) return allowance.headers;
    throw new AppError(
      ErrorCode.TooManyRequests,
      `Rate limit exceeded: ${limit} requests per minute; retry after ${allowance.retryAfterSeconds} seconds`,
      allowance.headers,
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig, AppError, ErrorCode } from '@castellan/core';
import { LimiterStore } from './limiter-store.js';

/** The block after the first failure past the burst; each further failure doubles it. */
export const FIRST_DELAY_SECONDS = 1;
/**
 * The longest block. It is what keeps any address from being locked out for good: however long an attack
 * goes on, whoever shares its address may try again within 15 minutes.
 */
export const MAX_DELAY_SECONDS = 15 * 60;
/**
 * How long failures are remembered: this long after the last failure, or after the end of the block it started.
 * Counting from the block's end keeps the longest block from also wiping the count, which would hand an attacker
 * a fresh burst every 15 minutes.
 */
export const FAILURE_MEMORY_SECONDS = 15 * 60;

/** How long the failure numbered `failures` blocks its subject: nothing within the burst, then 1 s, 2 s, 4 s, … capped. */
export function failureDelaySeconds(failures: number, burst: number): number {
  if (failures <= burst) return 0;
  return Math.min(FIRST_DELAY_SECONDS * 2 ** (failures - burst - 1), MAX_DELAY_SECONDS);
}

/** The 429 a blocked client gets. */
export function tooManyFailures(retryAfterSeconds: number): AppError {
  return new AppError(ErrorCode.TooManyRequests, `Too many failed authentication attempts; retry after ${retryAfterSeconds} seconds`, {
    'Retry-After': String(retryAfterSeconds),
  });
}

export interface FailureVerdict {
  /** How long the caller must wait, in whole seconds; 0 answers the failure with a plain 401. */
  retryAfterSeconds: number;
  /** This failure started a block of the address, of the api_key, or of both. */
  blockStarted: boolean;
}

/**
 * Slows down guessing: counts failed authentications per client address and per api_key, and blocks a subject
 * that failed more than AUTH_FAILURE_BURST times for a delay that doubles with every further failure.
 *
 * One counter per subject holds both facts: its value is the number of failures, and its expiry is moved on
 * every failure to the end of the block that failure started (nothing within the burst) plus
 * FAILURE_MEMORY_SECONDS. A subject is therefore blocked while its counter is over the burst and has more than
 * FAILURE_MEMORY_SECONDS to live, and one read tells whether it is.
 */
@Injectable()
export class AuthThrottle {
  private readonly burst: number;
  private readonly byIp: RateLimiterAbstract;
  private readonly byApiKey: RateLimiterAbstract;

  constructor(store: LimiterStore, config: AppConfig) {
    this.burst = config.authFailureBurst;
    const counters = { points: this.burst, durationSeconds: FAILURE_MEMORY_SECONDS };
    this.byIp = store.limiter('auth-failures:ip', counters);
    this.byApiKey = store.limiter('auth-failures:api-key', counters);
  }

  /** Seconds the client at `ip` must wait before its credentials are looked at again; 0 when it may try. */
  ipBlockedFor(ip: string): Promise<number> {
    return this.blockedFor(this.byIp, ip);
  }

  /**
   * Seconds before a subject counted by recordFailure (an api_key, a person's sign-in) may try again; 0 when it
   * may. A sign-in asks before it checks a password, so that a blocked person's right guess is refused too.
   */
  subjectBlockedFor(subject: string): Promise<number> {
    return this.blockedFor(this.byApiKey, subject);
  }

  /**
   * Counts a refused authentication against the client's address and, when `guessedApiKey` is given (an existing
   * key presented with a wrong secret), against that api_key. A blocked api_key is not counted again, as a blocked
   * address is not: its block runs out as it was set.
   */
  async recordFailure(ip: string, guessedApiKey: string | null): Promise<FailureVerdict> {
    const [ipDelay, key] = await Promise.all([
      this.count(this.byIp, ip),
      guessedApiKey ? this.countUnlessBlocked(this.byApiKey, guessedApiKey) : null,
    ]);
    return { retryAfterSeconds: Math.max(ipDelay, key?.wait ?? 0), blockStarted: ipDelay > 0 || Boolean(key?.started) };
  }

  private async blockedFor(counters: RateLimiterAbstract, subject: string): Promise<number> {
    const state = await counters.get(subject);
    if (!state || state.consumedPoints <= this.burst) return 0;
    return Math.max(0, Math.ceil((state.msBeforeNext - FAILURE_MEMORY_SECONDS * 1000) / 1000));
  }

  private async countUnlessBlocked(counters: RateLimiterAbstract, subject: string): Promise<{ wait: number; started: boolean }> {
    const wait = await this.blockedFor(counters, subject);
    if (wait > 0) return { wait, started: false };
    const delay = await this.count(counters, subject);
    return { wait: delay, started: delay > 0 };
  }

  /** One more failure of `subject`; returns the block it starts, in seconds (0 within the burst). */
  private async count(counters: RateLimiterAbstract, subject: string): Promise<number> {
    // The increment is atomic; moving the expiry takes a second write (rate-limiter-flexible has no "touch"). One
    // process sends its writes in order, over its one Redis connection or into its memory; only failures of one
    // subject at the same moment on two instances can land out of order, losing at most those from the count.
    const { consumedPoints } = await counters.penalty(subject);
    const delay = failureDelaySeconds(consumedPoints, this.burst);
    await counters.set(subject, consumedPoints, delay + FAILURE_MEMORY_SECONDS);
    return delay;
  }
}

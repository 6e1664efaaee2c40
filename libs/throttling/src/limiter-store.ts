import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/** A Redis that has not answered by then is treated as down for that call, so a hung Redis delays a request by at most this. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
const REDIS_DISCONNECT_TIMEOUT_MS = 100;

export interface LimiterOptions {
  /** What the limiter allows per window (rate-limiter-flexible's `points`). */
  points: number;
  durationSeconds: number;
}

/** Who uses a Redis connection, for its log lines: what each instance does while Redis is away, and once it is back. */
export interface RedisUse {
  context: string;
  whileDown: string;
  whenBack: string;
}

const THROTTLING_USE: RedisUse = {
  context: 'Throttling',
  whileDown: 'throttling and rate limits count per instance until it is back',
  whenBack: 'throttling and rate limits are shared again',
};

/** A connection for a LimiterStore (or another user): it connects at once and keeps reconnecting, and logs each outage once. */
export function connectRedis(url: string, use: RedisUse = THROTTLING_USE): Redis {
  const logger = new Logger(use.context);
  const redis = new Redis(url, {
    // Commands fail at once while Redis is away, instead of queueing for its return: the insurance limiters answer them.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    // A connection still opening at shutdown (a CLI command is quick) would otherwise hold the process for 2 s.
    disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
  });
  let reachable = true;
  // ioredis reports every reconnection attempt.
  redis.on('error', (error: Error) => {
    if (!reachable) return;
    reachable = false;
    logger.warn(`Redis is unreachable (${error.message}): ${use.whileDown}`);
  });
  redis.on('ready', () => {
    if (reachable) return;
    reachable = true;
    logger.log(`Redis is reachable again: ${use.whenBack}`);
  });
  return redis;
}

/**
 * Where throttling counters live: in Redis when there is one (REDIS_URL), so that every instance counts the same
 * failures and requests; in this process's memory otherwise. Each Redis limiter is insured by a memory limiter
 * with the same settings: while Redis is unreachable, each instance limits on its own instead of failing requests.
 * The store owns its connection and closes it at shutdown.
 */
export class LimiterStore implements OnApplicationShutdown {
  /** `namespace` starts every Redis key, so that deployments (or test runs) sharing a Redis stay apart. */
  constructor(
    private readonly redis: Redis | null,
    private readonly namespace = 'castellan',
  ) {}

  limiter(name: string, { points, durationSeconds }: LimiterOptions): RateLimiterAbstract {
    const options = { keyPrefix: `${this.namespace}:${name}`, points, duration: durationSeconds };
    const memory = new RateLimiterMemory(options);
    if (!this.redis) return memory;
    // While not ready (connecting, reconnecting), memory answers at once rather than after a failed Redis call.
    return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: memory, rejectIfRedisNotReady: true });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis?.status === 'ready') await this.redis.quit();
    else this.redis?.disconnect();
  }
}

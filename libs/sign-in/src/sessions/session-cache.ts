import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '@castellan/core';
import { connectRedis } from '@castellan/throttling';
import { UserSessionEntity } from './user-session.entity.js';

type Stored = Omit<UserSessionEntity, 'createdAt' | 'lastSeenAt' | 'expiresAt'> & {
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
};

/**
 * Sessions in Redis when REDIS_URL is set, so that every instance finds a session without the database; the
 * database stays the record. An entry lives at most KEY_CACHE_TTL_SECONDS: an end that could not reach Redis (it
 * was down) takes effect on every instance within that bound, as a change to a key does. Redis being away costs
 * a database read, never a refusal.
 */
@Injectable()
export class SessionCache implements OnApplicationShutdown {
  private readonly redis: Redis | null;
  private readonly ttlSeconds: number;

  constructor(config: AppConfig) {
    this.ttlSeconds = config.keyCacheTtlSeconds;
    this.redis = config.redisUrl
      ? connectRedis(config.redisUrl, {
          context: 'Sessions',
          whileDown: 'sessions are read from the database',
          whenBack: 'sessions are shared through Redis again',
        })
      : null;
  }

  private key(tokenHash: string): string {
    return `castellan:session:${tokenHash}`;
  }

  async get(tokenHash: string): Promise<UserSessionEntity | null | undefined> {
    if (this.redis?.status !== 'ready') return undefined;
    try {
      const raw = await this.redis.get(this.key(tokenHash));
      if (raw === null) return undefined;
      const stored = JSON.parse(raw) as Stored;
      return Object.assign(new UserSessionEntity(), stored, {
        createdAt: new Date(stored.createdAt),
        lastSeenAt: new Date(stored.lastSeenAt),
        expiresAt: new Date(stored.expiresAt),
      });
    } catch {
      return undefined;
    }
  }

  async set(session: UserSessionEntity): Promise<void> {
    if (this.redis?.status !== 'ready') return;
    await this.redis.set(this.key(session.tokenHash), JSON.stringify(session), 'EX', this.ttlSeconds).catch(() => undefined);
  }

  async forget(tokenHashes: readonly string[]): Promise<void> {
    if (!tokenHashes.length || this.redis?.status !== 'ready') return;
    await this.redis.del(...tokenHashes.map((h) => this.key(h))).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis?.status === 'ready') await this.redis.quit();
    else this.redis?.disconnect();
  }
}

import { once } from 'node:events';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { KeyCache } from './key-cache.js';

/** Where instances tell each other which account changed; the message is the account id. */
export const KEY_CACHE_CHANNEL = 'castellan:key-cache';

/** A CLI command is over in moments: it waits this long for its first connection before it publishes. */
const FIRST_CONNECTION_WAIT_MS = 2_000;

/** An account id, and nothing that could make the subscriber do more than drop entries. */
const ACCOUNT_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Drops an account's cached keys here at once, and with Redis on every other instance too (and from the CLI,
 * which is another process). Without Redis, or while it is away, the other instances see a change when their
 * entries reach their maximum age. After an outage, this instance forgets everything, since it may have missed
 * messages; Redis's own clients resubscribe on reconnection.
 */
export class KeyCacheInvalidator implements OnApplicationShutdown {
  private readonly logger = new Logger('KeyCache');
  private readonly publisherReady: Promise<unknown>;

  /** `publisher` is a connection made by connectRedis, which logs its outages; `subscriber` is a second one. */
  constructor(
    private readonly cache: KeyCache,
    private readonly redis: { publisher: Redis; subscriber: Redis; channel?: string } | null,
  ) {
    this.publisherReady = redis
      ? once(redis.publisher, 'ready', { signal: AbortSignal.timeout(FIRST_CONNECTION_WAIT_MS) }).catch(() => undefined)
      : Promise.resolve();
    if (!redis) return;
    const channel = this.channel;
    // Its outages are the publisher's too, which logs them.
    redis.subscriber.on('error', () => undefined);
    redis.subscriber.on('ready', () => {
      redis.subscriber
        .subscribe(channel)
        .catch((error: Error) => this.logger.warn(`Could not subscribe to ${channel}: ${error.message}`))
        // Once subscribed, so that nothing loaded before can have missed a message.
        .finally(() => this.cache.clear());
    });
    redis.subscriber.on('message', (from: string, accountId: string) => {
      if (from === channel && ACCOUNT_ID.test(accountId)) this.cache.drop(accountId);
    });
  }

  private get channel(): string {
    return this.redis?.channel ?? KEY_CACHE_CHANNEL;
  }

  /**
   * Call after every change that can affect how an account's keys verify. The local drop is done when this
   * returns; the promise settles once the other instances were told (or could not be), and never rejects.
   */
  invalidate(accountId: string): Promise<void> {
    this.cache.drop(accountId);
    return this.publish(accountId);
  }

  private async publish(accountId: string): Promise<void> {
    if (!this.redis) return;
    await this.publisherReady;
    // While Redis is away the publisher has logged it once; maximum age bounds what the others miss.
    await this.redis.publisher.publish(this.channel, accountId).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of this.redis ? [this.redis.publisher, this.redis.subscriber] : []) {
      if (connection.status === 'ready') await connection.quit();
      else connection.disconnect();
    }
  }
}

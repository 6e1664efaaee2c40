import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionRunner } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { ApiKeyRepository } from './api-key.repository.js';

/** How long last-use records wait in memory: at most one write per key per interval. */
export const LAST_USE_FLUSH_MS = 5000;

export interface KeyUse {
  keyId: string;
  accountId: string;
  /** A user key's user. */
  userId: string | null;
  at: Date;
  ip: string;
}

/** Work other modules do with each batch, in the same transaction (people mark users as logged in). */
export type UseListener = (manager: EntityManager, uses: KeyUse[]) => Promise<void>;

/**
 * Records when and from where each key was last used without putting a database write on the request path:
 * uses collect in memory (the latest per key wins) and are written in one transaction per interval, and
 * once more at shutdown.
 */
@Injectable()
export class LastUseRecorder implements OnModuleInit, OnApplicationShutdown {
  private pending = new Map<string, KeyUse>();
  private readonly listeners: UseListener[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), LAST_USE_FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /** On every authenticated request: a key already waiting is updated in place, allocating nothing. */
  record(key: Pick<Principal, 'keyId' | 'accountId' | 'userId'>, ip: string): void {
    const waiting = this.pending.get(key.keyId);
    if (waiting) {
      waiting.at = new Date();
      waiting.ip = ip;
    } else {
      this.pending.set(key.keyId, { keyId: key.keyId, accountId: key.accountId, userId: key.userId, at: new Date(), ip });
    }
  }

  onFlush(listener: UseListener): void {
    this.listeners.push(listener);
  }

  /** Writes what has collected; exposed so tests need not wait for the interval. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    await this.transactions.run(async (manager) => {
      for (const use of batch) await this.keys.recordUse(manager, use.accountId, use.keyId, use.at, use.ip);
      for (const listener of this.listeners) await listener(manager, batch);
    });
  }
}

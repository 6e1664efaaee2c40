import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BatchedWriter, TransactionRunner } from '@castellan/core';
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
export class LastUseRecorder extends BatchedWriter<KeyUse> {
  private pending = new Map<string, KeyUse>();
  private readonly listeners: UseListener[] = [];

  constructor(
    private readonly keys: ApiKeyRepository,
    transactions: TransactionRunner,
  ) {
    super(transactions, LAST_USE_FLUSH_MS, 'last uses of keys');
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

  protected take(): KeyUse[] {
    const batch = [...this.pending.values()];
    if (batch.length > 0) this.pending = new Map();
    return batch;
  }

  protected async write(manager: EntityManager, batch: KeyUse[]): Promise<void> {
    for (const use of batch) await this.keys.recordUse(manager, use.accountId, use.keyId, use.at, use.ip);
    for (const listener of this.listeners) await listener(manager, batch);
  }
}

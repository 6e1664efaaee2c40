import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BatchedWriter, TransactionRunner } from '@castellan/core';
import type { CountedKey, KeyUsageSink } from '@castellan/core';
import { KeyUsageHourEntity } from './key-usage-hour.entity.js';
import { KeyUsageRepository } from './key-usage.repository.js';

export const HOUR_MS = 60 * 60 * 1000;
/** How long counts wait in memory: at most one write per interval, whatever the traffic. */
export const KEY_USAGE_FLUSH_MS = 5000;
/** Hours kept: 8 days, one more than the API shows. */
export const KEY_USAGE_RETENTION_HOURS = 8 * 24;

/** The hour an instant falls in, as hours since the epoch: UTC hours. */
export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

/** A key's counts in one hour (hours since the epoch). */
export interface HourCounts {
  accountId: string;
  apiKey: string;
  hour: number;
  allowed: number;
  denied: number;
}

export type KeyHourCounts = Pick<HourCounts, 'allowed' | 'denied'>;

/**
 * Counts allowed and denied uses of keys without a database write on the request path, as last uses are
 * counted: in memory, per key and UTC hour, written in one transaction per interval and at shutdown. A write
 * adds to the stored counts, so instances sharing a database never overwrite each other. A batch whose write
 * failed is counted again with the next one. Rows past the retention are pruned at most once an hour.
 */
@Injectable()
export class KeyUsageRecorder extends BatchedWriter<HourCounts> implements KeyUsageSink {
  /** By hour, then by api_key (unique across accounts). Rarely more than two hours long. */
  private pending = new Map<number, Map<string, HourCounts>>();
  private prunedAt = -Infinity;

  constructor(
    private readonly usage: KeyUsageRepository,
    transactions: TransactionRunner,
  ) {
    super(transactions, KEY_USAGE_FLUSH_MS, 'key usage counts');
  }

  /** On every request of an existing key, and each decision: a key already counted this hour allocates nothing. */
  count(key: CountedKey, allowed: boolean): void {
    // A person's console session asks as no key: there is nothing to count it against.
    if (key.apiKey === '') return;
    this.add(key.accountId, key.apiKey, hourOf(Date.now()), allowed ? 1 : 0, allowed ? 0 : 1);
  }

  /**
   * A key's counts per hour from `fromHour` on: those written, by every instance, plus those this instance has
   * not written yet. Read between flushes, so that none is missed or counted twice.
   */
  countsSince(accountId: string, apiKey: string, fromHour: number): Promise<Map<number, KeyHourCounts>> {
    return this.exclusive(async () => {
      const counts = new Map<number, KeyHourCounts>();
      const addTo = (hour: number, { allowed, denied }: KeyHourCounts) => {
        const sum = counts.get(hour) ?? { allowed: 0, denied: 0 };
        counts.set(hour, { allowed: sum.allowed + allowed, denied: sum.denied + denied });
      };
      for (const row of await this.usage.listForKey(accountId, apiKey, new Date(fromHour * HOUR_MS)))
        addTo(hourOf(row.hourStart.getTime()), row);
      for (const [hour, keys] of this.pending) {
        const waiting = keys.get(apiKey);
        if (hour >= fromHour && waiting?.accountId === accountId) addTo(hour, waiting);
      }
      return counts;
    });
  }

  protected take(): HourCounts[] {
    if (this.pending.size === 0) return [];
    const batch = [...this.pending.values()].flatMap((keys) => [...keys.values()]);
    this.pending = new Map();
    // In key order, so that instances flushing together lock MySQL's rows in the same order and never deadlock.
    return batch.sort(byKey);
  }

  protected override restore(batch: HourCounts[]): void {
    for (const c of batch) this.add(c.accountId, c.apiKey, c.hour, c.allowed, c.denied);
  }

  protected async write(manager: EntityManager, batch: HourCounts[]): Promise<void> {
    await this.usage.add(manager, batch.map(toEntity));
    const now = Date.now();
    if (now - this.prunedAt < HOUR_MS) return;
    await this.usage.deleteBefore(manager, new Date((hourOf(now) - KEY_USAGE_RETENTION_HOURS) * HOUR_MS));
    this.prunedAt = now;
  }

  private add(accountId: string, apiKey: string, hour: number, allowed: number, denied: number): void {
    let keys = this.pending.get(hour);
    if (!keys) this.pending.set(hour, (keys = new Map()));
    const waiting = keys.get(apiKey);
    if (waiting) {
      waiting.allowed += allowed;
      waiting.denied += denied;
    } else {
      keys.set(apiKey, { accountId, apiKey, hour, allowed, denied });
    }
  }
}

/** By account, api_key and hour: the order of the table's primary key. */
const byKey = (a: HourCounts, b: HourCounts): number =>
  a.accountId !== b.accountId
    ? a.accountId < b.accountId
      ? -1
      : 1
    : a.apiKey !== b.apiKey
      ? a.apiKey < b.apiKey
        ? -1
        : 1
      : a.hour - b.hour;

const toEntity = (c: HourCounts): KeyUsageHourEntity =>
  Object.assign(new KeyUsageHourEntity(), {
    accountId: c.accountId,
    apiKey: c.apiKey,
    hourStart: new Date(c.hour * HOUR_MS),
    allowed: c.allowed,
    denied: c.denied,
  });

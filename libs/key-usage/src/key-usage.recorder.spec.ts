import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { CountedKey } from '@castellan/core';
import { KeyUsageHourEntity } from './key-usage-hour.entity.js';
import { HOUR_MS, hourOf, KEY_USAGE_FLUSH_MS, KEY_USAGE_RETENTION_HOURS, KeyUsageRecorder } from './key-usage.recorder.js';
import { construct, standIns } from '../../../test/support/stand-ins.js';

// Counting uses of keys per UTC hour in memory, and writing them in batches: the hour bucketing, what a flush
// writes and in which order, what a failed flush keeps, what a read between flushes adds up, and the pruning.
// The repository and the transactions are stand-ins that record what they were asked.

const T0 = Date.parse('2026-12-03T18:59:59.999Z');
const HOUR = hourOf(T0);

const A: CountedKey = { accountId: 'acc-a', apiKey: '200000000000002' };
const B: CountedKey = { accountId: 'acc-a', apiKey: '100000000000001' };
const C: CountedKey = { accountId: 'acc-0', apiKey: '900000000000009' };

interface Stand {
  failWrites?: number;
  stored?: KeyUsageHourEntity[];
  /** Runs while a batch is being written. */
  duringWrite?: () => void;
}

function recorder(stand: Stand = {}) {
  let failures = stand.failWrites ?? 0;
  const written: KeyUsageHourEntity[][] = [];
  const pruned: Date[] = [];
  const listed: { accountId: string; apiKey: string; from: Date }[] = [];
  let transactions = 0;
  const members: Record<string, unknown> = {
    run: async (work: (manager: unknown) => Promise<unknown>) => {
      transactions++;
      return work('manager');
    },
    add: (_: unknown, rows: KeyUsageHourEntity[]) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error('database is locked'));
      }
      stand.duringWrite?.();
      written.push(rows);
      return Promise.resolve();
    },
    deleteBefore: (_: unknown, cutoff: Date) => Promise.resolve(void pruned.push(cutoff)),
    listForKey: (accountId: string, apiKey: string, from: Date) => {
      listed.push({ accountId, apiKey, from });
      return Promise.resolve((stand.stored ?? []).filter((r) => r.accountId === accountId && r.apiKey === apiKey && r.hourStart >= from));
    },
  };
  const usage = construct(KeyUsageRecorder, standIns(members));
  return { usage, written, pruned, listed, transactions: () => transactions };
}

const row = (key: CountedKey, hour: number, allowed: number, denied: number): KeyUsageHourEntity =>
  Object.assign(new KeyUsageHourEntity(), { ...key, hourStart: new Date(hour * HOUR_MS), allowed, denied });

let now: number;
let logged: string[];
beforeEach(() => {
  now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  logged = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void logged.push(`error: ${String(m)}`));
  jest.spyOn(Logger.prototype, 'log').mockImplementation((m: unknown) => void logged.push(`log: ${String(m)}`));
});
afterEach(() => jest.restoreAllMocks());

describe('hourOf', () => {
  test('counts whole UTC hours since the epoch', () => {
    expect(hourOf(0)).toBe(0);
    expect(hourOf(HOUR_MS - 1)).toBe(0);
    expect(hourOf(HOUR_MS)).toBe(1);
    expect(hourOf(Date.parse('2026-12-03T18:00:00Z'))).toBe(hourOf(Date.parse('2026-12-03T18:59:59.999Z')));
    expect(hourOf(Date.parse('2026-12-03T19:00:00Z'))).toBe(hourOf(Date.parse('2026-12-03T18:00:00Z')) + 1);
    expect(new Date(hourOf(Date.parse('2026-12-03T18:42:17.123Z')) * HOUR_MS).toISOString()).toBe('2026-12-03T18:00:00.000Z');
  });

  test('an hour is an hour of UTC whatever the offset, including zones half an hour off', () => {
    expect(hourOf(Date.parse('2026-12-04T00:29:00+05:30'))).toBe(hourOf(Date.parse('2026-12-03T18:59:00Z')));
    expect(hourOf(Date.parse('2026-12-04T00:31:00+05:30'))).toBe(hourOf(Date.parse('2026-12-03T19:01:00Z')));
  });

  test('an instant before the epoch falls in the hour that starts before it, not the one after', () => {
    expect(hourOf(-1)).toBe(-1);
    expect(hourOf(-HOUR_MS)).toBe(-1);
  });

  test('counts are kept a day more than the API shows, and written every 5 seconds', () => {
    expect(KEY_USAGE_RETENTION_HOURS).toBe(8 * 24);
    expect(KEY_USAGE_FLUSH_MS).toBe(5000);
  });
});

describe('KeyUsageRecorder.flush', () => {
  test('writes one row per key and hour, adding up its uses, in one transaction', async () => {
    const { usage, written, transactions } = recorder();
    usage.count(A, true);
    usage.count(A, true);
    usage.count(A, false);
    now = T0 + 1; // the next hour
    usage.count(A, false);
    await usage.flush();
    expect(transactions()).toBe(1);
    expect(written).toEqual([[row(A, HOUR, 2, 1), row(A, HOUR + 1, 0, 1)]]);
  });

  test("rows go in the table's key order (account, api_key, hour), so that instances lock rows alike", async () => {
    const { usage, written } = recorder();
    now = T0 + 1;
    usage.count(A, true);
    usage.count(B, true);
    now = T0;
    usage.count(A, true);
    usage.count(C, false);
    await usage.flush();
    expect(written[0]!.map((r) => [r.accountId, r.apiKey, r.hourStart.toISOString()])).toEqual([
      ['acc-0', C.apiKey, '2026-12-03T18:00:00.000Z'],
      ['acc-a', B.apiKey, '2026-12-03T19:00:00.000Z'],
      ['acc-a', A.apiKey, '2026-12-03T18:00:00.000Z'],
      ['acc-a', A.apiKey, '2026-12-03T19:00:00.000Z'],
    ]);
  });

  test('nothing counted, nothing written: no transaction at all', async () => {
    const { usage, transactions } = recorder();
    await usage.flush();
    expect(transactions()).toBe(0);
  });

  test('what was written is not written again', async () => {
    const { usage, written } = recorder();
    usage.count(A, true);
    await usage.flush();
    await usage.flush();
    usage.count(A, true);
    await usage.flush();
    expect(written).toEqual([[row(A, HOUR, 1, 0)], [row(A, HOUR, 1, 0)]]);
  });

  test('a batch whose write failed is counted again with the next one; the outage is logged once, and its end', async () => {
    const { usage, written } = recorder({ failWrites: 2 });
    usage.count(A, true);
    await expect(usage.flush()).rejects.toThrow('database is locked');
    usage.count(A, false);
    await expect(usage.flush()).rejects.toThrow('database is locked');
    usage.count(A, true);
    await usage.flush();
    expect(written).toEqual([[row(A, HOUR, 2, 1)]]);
    expect(logged).toEqual([
      'error: Could not write key usage counts: database is locked',
      'log: Writes of key usage counts succeed again',
    ]);
  });

  test('uses counted while a flush writes are kept for the next one', async () => {
    let during = () => undefined as void;
    const { usage, written } = recorder({ duringWrite: () => during() });
    usage.count(A, true);
    during = () => {
      during = () => undefined;
      usage.count(A, false);
    };
    await usage.flush();
    await usage.flush();
    expect(written).toEqual([[row(A, HOUR, 1, 0)], [row(A, HOUR, 0, 1)]]);
  });
});

describe('KeyUsageRecorder pruning', () => {
  test(`deletes rows older than ${KEY_USAGE_RETENTION_HOURS} hours, at most once an hour`, async () => {
    const { usage, pruned } = recorder();
    usage.count(A, true);
    await usage.flush();
    expect(pruned).toEqual([new Date((HOUR - KEY_USAGE_RETENTION_HOURS) * HOUR_MS)]);

    now = T0 + HOUR_MS - 1;
    usage.count(A, true);
    await usage.flush();
    expect(pruned).toHaveLength(1);

    now = T0 + HOUR_MS;
    usage.count(A, true);
    await usage.flush();
    expect(pruned).toEqual([
      new Date((HOUR - KEY_USAGE_RETENTION_HOURS) * HOUR_MS),
      new Date((HOUR + 1 - KEY_USAGE_RETENTION_HOURS) * HOUR_MS),
    ]);
  });
});

describe('KeyUsageRecorder.countsSince', () => {
  test('adds what was written (by every instance) and what this one has not written yet', async () => {
    const stored = [row(A, HOUR - 200, 9, 9), row(A, HOUR - 2, 5, 1), row(A, HOUR, 10, 0), row(B, HOUR, 7, 7)];
    const { usage, listed } = recorder({ stored });
    usage.count(A, true);
    usage.count(A, false);
    usage.count(B, true);
    const counts = await usage.countsSince(A.accountId, A.apiKey, HOUR - 5);
    expect(listed).toEqual([{ accountId: A.accountId, apiKey: A.apiKey, from: new Date((HOUR - 5) * HOUR_MS) }]);
    expect([...counts].sort(([a], [b]) => a - b)).toEqual([
      [HOUR - 2, { allowed: 5, denied: 1 }],
      [HOUR, { allowed: 11, denied: 1 }],
    ]);
  });

  test('pending counts of hours before the range, or of the same api_key in another account, are not added', async () => {
    const { usage } = recorder();
    now = T0 - 3 * HOUR_MS;
    usage.count(A, true);
    now = T0;
    usage.count({ accountId: 'intruder', apiKey: A.apiKey }, true);
    const counts = await usage.countsSince(A.accountId, A.apiKey, HOUR - 1);
    expect([...counts]).toEqual([]);
  });

  test('a read between flushes counts each use once, whether it was written yet or not', async () => {
    const stored: KeyUsageHourEntity[] = [];
    const { usage, written } = recorder({ stored });
    usage.count(A, true);
    const flushing = usage.flush().then(() => stored.push(...written.flat()));
    const counts = usage.countsSince(A.accountId, A.apiKey, HOUR);
    await flushing;
    expect((await counts).get(HOUR)).toEqual({ allowed: 1, denied: 0 });
  });
});

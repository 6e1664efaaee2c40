import 'reflect-metadata';
import { jest } from '@jest/globals';
import { ErrorCode } from '@castellan/core';
import { USAGE_HOURS } from './dto/key-usage.dto.js';
import { HOUR_MS, hourOf, type KeyHourCounts } from './key-usage.recorder.js';
import { KeyUsageService } from './key-usage.service.js';
import { construct, refusal, standIns } from '../../../test/support/stand-ins.js';

// A key's usage answer: 168 UTC hours ending with the current one, oldest first, hours without use as zeros,
// and the sums. The counts, the keys and the environments are stand-ins.

const NOW = Date.parse('2026-12-03T18:42:17.123Z');
const CURRENT = hourOf(NOW);

function usageService(counts: Map<number, KeyHourCounts> = new Map(), known = { keys: ['814814814814814'], environments: ['e1'] }) {
  const asked: { accountId: string; apiKey: string; fromHour: number }[] = [];
  const scopes: unknown[] = [];
  const members: Record<string, unknown> = {
    countsSince: (accountId: string, apiKey: string, fromHour: number) => {
      asked.push({ accountId, apiKey, fromHour });
      return Promise.resolve(counts);
    },
    findByApiKey: (_: string, scope: unknown, apiKey: string) => {
      scopes.push(scope);
      return Promise.resolve(known.keys.includes(apiKey) ? { apiKey } : null);
    },
    findById: (_: string, id: string) => Promise.resolve(known.environments.includes(id) ? { id } : null),
  };
  const service = construct(KeyUsageService, standIns(members));
  return { service, asked, scopes };
}

beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => NOW));
afterEach(() => jest.restoreAllMocks());

describe('KeyUsageService', () => {
  test('168 hours, from 167 hours before the current one up to it, oldest first, unused hours as zeros', async () => {
    expect(USAGE_HOURS).toBe(168);
    const { service, asked } = usageService();
    const usage = await service.forAccountKey('acc', '814814814814814');
    expect(usage.api_key).toBe('814814814814814');
    expect(usage.from).toBe('2026-11-26T19:00:00Z');
    expect(usage.to).toBe('2026-12-03T18:00:00Z');
    expect(usage.hours).toHaveLength(168);
    expect(usage.hours[0]).toEqual({ hour: '2026-11-26T19:00:00Z', allowed: 0, denied: 0 });
    expect(usage.hours.at(-1)).toEqual({ hour: '2026-12-03T18:00:00Z', allowed: 0, denied: 0 });
    expect(usage.totals).toEqual({ allowed: 0, denied: 0 });
    expect(asked).toEqual([{ accountId: 'acc', apiKey: '814814814814814', fromHour: CURRENT - 167 }]);
  });

  test('each hour is one hour after the one before', async () => {
    const { hours } = await usageService().service.forAccountKey('acc', '814814814814814');
    const starts = hours.map((h) => Date.parse(h.hour));
    expect(starts.slice(1).every((start, i) => start - starts[i]! === HOUR_MS)).toBe(true);
  });

  test('counts go to their hour, and the totals add up the hours shown', async () => {
    const counts = new Map<number, KeyHourCounts>([
      [CURRENT, { allowed: 1200, denied: 3 }],
      [CURRENT - 167, { allowed: 1, denied: 0 }],
      [CURRENT - 24, { allowed: 0, denied: 7 }],
      // Outside the range: a count the recorder may still hold must not be shown or added.
      [CURRENT - 168, { allowed: 1000, denied: 1000 }],
      [CURRENT + 1, { allowed: 1000, denied: 1000 }],
    ]);
    const usage = await usageService(counts).service.forAccountKey('acc', '814814814814814');
    expect(usage.hours.at(-1)).toEqual({ hour: '2026-12-03T18:00:00Z', allowed: 1200, denied: 3 });
    expect(usage.hours[0]).toEqual({ hour: '2026-11-26T19:00:00Z', allowed: 1, denied: 0 });
    expect(usage.hours.at(-25)).toEqual({ hour: '2026-12-02T18:00:00Z', allowed: 0, denied: 7 });
    expect(usage.totals).toEqual({ allowed: 1201, denied: 10 });
  });

  test('an access key is looked up in its environment, an account key among the account keys', async () => {
    const { service, scopes } = usageService();
    await service.forAccessKey('acc', 'e1', '814814814814814');
    await service.forAccountKey('acc', '814814814814814');
    expect(scopes).toEqual([{ kind: 'environment', environmentId: 'e1' }, { kind: 'account' }]);
  });

  test('an environment, an access key or an account key that is not there is a 404 worded as its other routes word it', async () => {
    const { service, asked } = usageService();
    expect(await refusal(() => service.forAccessKey('acc', 'e9', '814814814814814'))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Product environment e9 not found',
    });
    expect(await refusal(() => service.forAccessKey('acc', 'e1', '111111111111111'))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Access key 111111111111111 not found',
    });
    expect(await refusal(() => service.forAccountKey('acc', '111111111111111'))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Account API key 111111111111111 not found',
    });
    expect(asked).toEqual([]);
  });
});

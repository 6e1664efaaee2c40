import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@castellan/core';
import { generateSecret } from '@castellan/core';
import type { ApiKeyEntity } from '@castellan/credentials';
import { OPERATOR } from '@castellan/credentials';
import { LEAK_REPORT_ACTION, LEAK_REPORT_LIMIT, LEAKED_PREVIOUS_SECRET, LEAKED_SECRET, LeakService } from './leak.service.js';
import { accountTransactions, construct, standIns } from '../../../test/support/stand-ins.js';

// The leak response with stand-ins for the keys, the hasher, the limiter and the audit log: the answer comes
// before (and whatever) the lookup finds, a reported current secret disables its key, a reported previous secret
// ends its grace period only while it lasts, and no log line or audit event ever holds a secret.

const CURRENT = generateSecret('environment');
const PREVIOUS = generateSecret('environment');
const UNKNOWN = generateSecret('account');
const HOUR = 3_600_000;

const stored = (fields: Partial<ApiKeyEntity> = {}): ApiKeyEntity =>
  Object.assign({} as ApiKeyEntity, {
    id: 'k1',
    accountId: 'acc',
    kind: 'environment',
    environmentId: 'e1',
    userId: null,
    apiKey: '814814814814814',
    secretHash: `h:${CURRENT}`,
    previousSecretHash: `h:${PREVIOUS}`,
    previousSecretExpiresAt: new Date(Date.now() + HOUR),
    enabled: true,
    ...fields,
  });

interface World {
  keys?: ApiKeyEntity[];
  /** The key as it is when re-read under the lock; undefined: as found. */
  reread?: ApiKeyEntity | null;
  allowed?: boolean;
  lookupFails?: boolean;
  /** A lookup that never answers. */
  lookupHangs?: boolean;
}

function leaks(world: World = {}) {
  const lookups: { kind: unknown; hash: string }[] = [];
  const patches: { id: string; patch: unknown }[] = [];
  const changes: { caller: unknown; change: unknown }[] = [];
  const invalidated: string[] = [];
  const audited: Record<string, unknown>[] = [];
  const members: Record<string, unknown> = {
    consume: (bucket: string, id: string, limit: unknown) =>
      Promise.resolve(
        world.allowed === false
          ? { allowed: false, retryAfterSeconds: 42, headers: { 'Retry-After': '42', bucket, id, limit: JSON.stringify(limit) } }
          : { allowed: true, headers: {} },
      ),
    hash: (secret: string) => `h:${secret}`,
    matches: (secret: string, hash: string) => hash === `h:${secret}`,
    findBySecretHash: (kind: unknown, hash: string) => {
      lookups.push({ kind, hash });
      if (world.lookupHangs) return new Promise(() => undefined);
      if (world.lookupFails) return Promise.reject(new Error('connection lost'));
      return Promise.resolve((world.keys ?? []).filter((k) => k.secretHash === hash || k.previousSecretHash === hash));
    },
    ...accountTransactions({ changed: (change, caller) => changes.push({ caller, change }) }),
    findAnyInAccount: (accountId: string, apiKey: string) =>
      Promise.resolve(
        world.reread !== undefined
          ? world.reread
          : ((world.keys ?? []).find((k) => k.accountId === accountId && k.apiKey === apiKey) ?? null),
      ),
    update: (_: unknown, __: string, ___: unknown, id: string, patch: unknown) => Promise.resolve(void patches.push({ id, patch })),
    invalidate: (accountId: string) => Promise.resolve(void invalidated.push(accountId)),
    recordChange: (event: Record<string, unknown>) => Promise.resolve(void audited.push(event)),
  };
  const service = construct(LeakService, standIns(members));
  return { service, lookups, patches, changes, invalidated, audited };
}

let logged: string[];
beforeEach(() => {
  logged = [];
  for (const level of ['log', 'warn', 'error'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation((m: unknown) => void logged.push(`${level}: ${String(m)}`));
  }
});
afterEach(() => jest.restoreAllMocks());

describe('LeakService.report: the answer', () => {
  test('is "ok" before any lookup has answered, and whatever it finds', async () => {
    const { service } = leaks({ lookupHangs: true });
    expect(await service.report([CURRENT], '198.51.100.1')).toEqual({ message: 'ok' });
  });

  test('past the limit per address, a 429 with Retry-After, and nothing is looked up', async () => {
    expect(LEAK_REPORT_LIMIT).toEqual({ points: 60, durationSeconds: 60 });
    const { service, lookups } = leaks({ allowed: false });
    let refused: unknown;
    await service.report([CURRENT], '198.51.100.1').catch((error: unknown) => (refused = error));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: ErrorCode.TooManyRequests,
      message: 'Too many leak reports: 60 a minute per address; retry after 42 seconds',
      headers: { 'Retry-After': '42', bucket: 'leaks', id: '198.51.100.1' },
    });
    await service.settled();
    expect(lookups).toEqual([]);
  });

  test('each secret is looked up once, by its kind and hash, however often it is reported', async () => {
    const { service, lookups } = leaks();
    await service.report([CURRENT, UNKNOWN, CURRENT, CURRENT], '::1');
    await service.settled();
    expect(lookups).toEqual([
      { kind: 'environment', hash: `h:${CURRENT}` },
      { kind: 'account', hash: `h:${UNKNOWN}` },
    ]);
  });
});

describe('LeakService: what a report stops', () => {
  test('a current secret disables its key, as the operator; the cache forgets the account; the audit log says which', async () => {
    const { service, patches, changes, invalidated, audited } = leaks({ keys: [stored()] });
    await service.report([CURRENT], '198.51.100.1');
    await service.settled();
    expect(patches).toEqual([{ id: 'k1', patch: { enabled: false } }]);
    expect(changes).toEqual([{ caller: OPERATOR, change: { subjects: [{ key: 'k1' }], widens: false } }]);
    expect(changes[0]!.caller).toBe(OPERATOR);
    expect(invalidated).toEqual(['acc']);
    expect(audited).toEqual([
      {
        principal: undefined,
        accountId: 'acc',
        ip: '198.51.100.1',
        action: LEAK_REPORT_ACTION,
        target: { type: 'key', id: '814814814814814' },
        outcome: 'success',
        status: 200,
        reason: LEAKED_SECRET,
      },
    ]);
    expect(logged).toEqual(['warn: A leaked secret was reported: disabled key 814814814814814 of account acc']);
  });

  test('the last enabled key of an account is disabled all the same', async () => {
    const { service, patches } = leaks({ keys: [stored({ root: true })] });
    await service.report([CURRENT], '::1');
    await service.settled();
    expect(patches).toEqual([{ id: 'k1', patch: { enabled: false } }]);
  });

  test('a previous secret still in its grace period ends it; the key keeps working with its current secret', async () => {
    const { service, patches, audited } = leaks({ keys: [stored()] });
    await service.report([PREVIOUS], '::1');
    await service.settled();
    expect(patches).toEqual([{ id: 'k1', patch: { previousSecretHash: null, previousSecretExpiresAt: null } }]);
    expect(audited.map((a) => a.reason)).toEqual([LEAKED_PREVIOUS_SECRET]);
    expect(logged).toEqual(['warn: A leaked secret was reported: ended the grace period of key 814814814814814 of account acc']);
  });

  test('a previous secret whose grace period is over changes nothing, and is not audited', async () => {
    const { service, patches, audited, invalidated } = leaks({ keys: [stored({ previousSecretExpiresAt: new Date(Date.now() - 1) })] });
    await service.report([PREVIOUS], '::1');
    await service.settled();
    expect([patches, audited, invalidated, logged]).toEqual([[], [], [], []]);
  });

  test('a key rotated or deleted since the lookup is judged as it is now', async () => {
    const rotated = leaks({ keys: [stored()], reread: stored({ secretHash: 'h:new', previousSecretHash: 'h:other' }) });
    await rotated.service.report([CURRENT], '::1');
    await rotated.service.settled();
    expect(rotated.patches).toEqual([]);

    const deleted = leaks({ keys: [stored()], reread: null });
    await deleted.service.report([CURRENT], '::1');
    await deleted.service.settled();
    expect([deleted.patches, deleted.audited]).toEqual([[], []]);
  });

  test('a secret of no key changes nothing', async () => {
    const { service, patches, audited } = leaks({ keys: [stored()] });
    await service.report([UNKNOWN], '::1');
    await service.settled();
    expect([patches, audited, logged]).toEqual([[], [], []]);
  });

  test('a lookup that fails is logged without the secret, and the other secrets are still acted on', async () => {
    const { service } = leaks({ lookupFails: true });
    await service.report([CURRENT, PREVIOUS], '::1');
    await service.settled();
    expect(logged).toEqual([
      'error: Could not act on a leak report: connection lost',
      'error: Could not act on a leak report: connection lost',
    ]);
    expect(logged.join('\n')).not.toContain(CURRENT.slice(6));
  });

  test('settled() waits for every report being dealt with', async () => {
    const { service, patches } = leaks({ keys: [stored(), stored({ id: 'k2', apiKey: '814814814814815' })] });
    await service.report([CURRENT], '::1');
    await service.beforeApplicationShutdown();
    expect(patches.map((p) => p.id)).toEqual(['k1', 'k2']);
  });
});

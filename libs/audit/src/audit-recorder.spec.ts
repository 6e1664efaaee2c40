import 'reflect-metadata';
import { jest } from '@jest/globals';
import { HttpException, Logger, NotFoundException } from '@nestjs/common';
import { AuthFailureReason } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AppError, ErrorCode } from '@castellan/core';
import { AUTHENTICATION_ACTION, AuditEventEntity } from './audit-event.entity.js';
import { AUDIT_ID_PATTERN } from './audit-id.js';
import { AuditRecorder, statusOf } from './audit-recorder.js';
import { construct, standIns } from '../../../test/support/stand-ins.js';

// What an audit event holds, from a change or a failed authentication, with stand-ins for the database: the
// row written, the lookups made for it, and what a failed write leaves behind (a log line, no request data).

const SECRET = 'cstla_PUmSjS45lBtPejSS0EDVcFe2l2cz7m8T3uVMen';

function recorder(answers: { insert?: (event: AuditEventEntity) => Promise<void>; key?: object | null } = {}) {
  const written: AuditEventEntity[] = [];
  const lookups: string[] = [];
  const stand: Record<string, unknown> = {
    run: (work: (manager: unknown) => Promise<unknown>) => work('manager'),
    insert: (_: unknown, event: AuditEventEntity) => (answers.insert ? answers.insert(event) : Promise.resolve(void written.push(event))),
    findForAuthentication: (apiKey: string) => Promise.resolve(void lookups.push(apiKey)).then(() => answers.key ?? null),
  };
  const audit = construct(AuditRecorder, standIns(stand));
  return { audit, written, lookups };
}

const principal = (fields: Partial<Principal> = {}): Principal =>
  ({ kind: 'user', keyId: 'k1', apiKey: '814814814814814', accountId: 'acc', userId: 'u1', ...fields }) as Principal;

let logged: string[];
beforeEach(() => {
  logged = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
});
afterEach(() => jest.restoreAllMocks());

describe('statusOf', () => {
  test.each([
    [AppError.invalid('x'), 400],
    [AppError.invalidCredentials(), 401],
    [AppError.notAllowed('x'), 403],
    [AppError.notFound('User', 'u1'), 404],
    [AppError.conflict('x'), 409],
    [new AppError(ErrorCode.LimitReached, 'x'), 403],
    [new AppError(ErrorCode.TooManyRequests, 'x'), 429],
    [new AppError(ErrorCode.Unavailable, 'x'), 503],
    [new NotFoundException(), 404],
    [new HttpException('teapot', 418), 418],
    [new Error('boom'), 500],
    ['a string', 500],
    [undefined, 500],
  ])('%p answers %p', (error, status) => {
    expect(statusOf(error)).toBe(status);
  });

  test('says nothing in the log: the exception filter logs the error once already', () => {
    statusOf(new Error('boom'));
    expect(logged).toEqual([]);
  });
});

describe('AuditRecorder.recordChange', () => {
  test('writes who acted, from where, what, on which record and how it ended, with a time-ordered id', async () => {
    const { audit, written } = recorder();
    await audit.recordChange({
      principal: principal(),
      ip: '203.0.113.7',
      action: 'provisioning:users.update',
      target: { type: 'user', id: 'u2' },
      outcome: 'success',
      status: 200,
    });
    expect(written).toHaveLength(1);
    const [event] = written;
    expect(event).toBeInstanceOf(AuditEventEntity);
    expect(event).toMatchObject({
      accountId: 'acc',
      actorApiKey: '814814814814814',
      actorKind: 'user',
      actorUserId: 'u1',
      ip: '203.0.113.7',
      action: 'provisioning:users.update',
      targetType: 'user',
      targetId: 'u2',
      outcome: 'success',
      status: 200,
      reason: null,
    });
    expect(event!.id).toMatch(AUDIT_ID_PATTERN);
    expect(parseInt(event!.id.slice(0, 12), 16)).toBe(event!.createdAt.getTime());
  });

  test('a change no key made (a leak report) belongs to the account it names, and has no actor', async () => {
    const { audit, written } = recorder();
    await audit.recordChange({
      principal: undefined,
      accountId: 'acc2',
      ip: '::1',
      action: 'leak_report',
      target: null,
      outcome: 'success',
      status: 200,
      reason: 'LEAKED_SECRET',
    });
    expect(written[0]).toMatchObject({
      accountId: 'acc2',
      actorApiKey: null,
      actorKind: null,
      actorUserId: null,
      targetType: null,
      targetId: null,
      reason: 'LEAKED_SECRET',
    });
  });

  test("the principal's account wins over one named beside it", async () => {
    const { audit, written } = recorder();
    await audit.recordChange({
      principal: principal(),
      accountId: 'other',
      ip: '::1',
      action: 'a',
      target: null,
      outcome: 'failure',
      status: 403,
    });
    expect(written[0]!.accountId).toBe('acc');
  });

  test('an address longer than the column is cut to its 64 characters', async () => {
    const { audit, written } = recorder();
    await audit.recordChange({ principal: undefined, ip: '1'.repeat(500), action: 'a', target: null, outcome: 'failure', status: 400 });
    expect(written[0]!.ip).toBe('1'.repeat(64));
  });

  test('events of one recorder are written in increasing id order', async () => {
    const { audit, written } = recorder();
    for (let i = 0; i < 50; i++)
      await audit.recordChange({ principal: undefined, ip: '::1', action: `a${i}`, target: null, outcome: 'success', status: 200 });
    expect(written.map((e) => e.id)).toEqual(written.map((e) => e.id).sort());
  });

  test('a write that fails never fails the request: it is logged with the action and the error, not the request', async () => {
    const { audit } = recorder({ insert: () => Promise.reject(new Error('database is locked')) });
    await expect(
      audit.recordChange({
        principal: principal({ apiKey: SECRET }),
        ip: '10.0.0.1',
        action: 'provisioning:access_keys.rotate',
        target: { type: 'key', id: '814' },
        outcome: 'success',
        status: 200,
      }),
    ).resolves.toBeUndefined();
    expect(logged).toEqual(['Could not record an audit event for provisioning:access_keys.rotate: database is locked']);
  });
});

describe('AuditRecorder.recordFailedAuthentication', () => {
  test('an api_key that authentication found no key for is not looked up again: made-up keys never reach the database', async () => {
    const { audit, written, lookups } = recorder({ key: { accountId: 'acc', kind: 'account', userId: null } });
    audit.recordFailedAuthentication({ apiKey: '999999999999999', key: null, ip: '198.51.100.1', reason: AuthFailureReason.UnknownKey });
    await audit.settled();
    expect(lookups).toEqual([]);
    expect(written[0]).toMatchObject({
      accountId: null,
      actorApiKey: '999999999999999',
      actorKind: null,
      action: AUTHENTICATION_ACTION,
      outcome: 'failure',
      status: 401,
      reason: 'UNKNOWN_KEY',
      targetType: null,
    });
  });

  test("a key that exists is looked up by its api_key, and the event goes to the key's account", async () => {
    const { audit, written, lookups } = recorder({ key: { accountId: 'acc', kind: 'user', userId: 'u1' } });
    audit.recordFailedAuthentication({ apiKey: '814814814814814', key: null, ip: '198.51.100.1', reason: AuthFailureReason.WrongSecret });
    await audit.settled();
    expect(lookups).toEqual(['814814814814814']);
    expect(written[0]).toMatchObject({ accountId: 'acc', actorKind: 'user', actorUserId: 'u1', reason: 'WRONG_SECRET' });
  });

  test('a key authentication already loaded is not looked up again; a throttled failure keeps its 429', async () => {
    const { audit, written, lookups } = recorder();
    const key = { accountId: 'acc3', kind: 'environment', userId: null };
    audit.recordFailedAuthentication({ apiKey: '814814814814814', ip: '::1', reason: AuthFailureReason.Throttled, status: 429, key });
    await audit.settled();
    expect(lookups).toEqual([]);
    expect(written[0]).toMatchObject({ accountId: 'acc3', actorKind: 'environment', status: 429, reason: 'THROTTLED' });
  });

  test('no api_key at all: nothing to look up, and nothing to attribute', async () => {
    const { audit, written, lookups } = recorder();
    audit.recordFailedAuthentication({ apiKey: null, key: null, ip: '::1', reason: AuthFailureReason.MissingCredentials });
    await audit.settled();
    expect(lookups).toEqual([]);
    expect(written[0]).toMatchObject({ accountId: null, actorApiKey: null, reason: 'MISSING_CREDENTIALS' });
  });
});

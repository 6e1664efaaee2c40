import 'reflect-metadata';
import { ErrorCode } from '@castellan/core';
import { AuditEventEntity } from './audit-event.entity.js';
import type { AuditEventFilter } from './audit-event.repository.js';
import { auditIdFloor } from './audit-id.js';
import { AuditService } from './audit.service.js';
import type { ListAuditEventsDto } from './dto/audit-event.dto.js';
import { construct, standIns } from '../../../test/support/stand-ins.js';

// How a query of the audit log becomes a filter over ids (the time range is a range of ids), how pages are cut
// and what an event looks like on the wire. The repository is a stand-in that records what it was asked.

interface Asked {
  accountId: string;
  filter: AuditEventFilter;
  limit: number;
}

function auditService(rows: AuditEventEntity[] = []) {
  const asked: Asked[] = [];
  const answers: Record<string, unknown> = {
    read: (work: (replica: unknown) => unknown) => work('replica'),
    list: (accountId: string, filter: AuditEventFilter, limit: number) => {
      asked.push({ accountId, filter: { ...filter }, limit });
      return Promise.resolve(rows.slice(0, limit));
    },
  };
  const service = construct(AuditService, standIns(answers));
  return { service, asked };
}

const event = (n: number, fields: Partial<AuditEventEntity> = {}): AuditEventEntity =>
  Object.assign(new AuditEventEntity(), {
    id: n.toString(16).padStart(32, '0'),
    accountId: 'acc',
    actorApiKey: '814814814814814',
    actorKind: 'account',
    actorUserId: null,
    ip: '203.0.113.7',
    action: 'provisioning:sub_accounts.create',
    targetType: 'sub_account',
    targetId: 'e1',
    outcome: 'success',
    status: 200,
    reason: null,
    createdAt: new Date('2026-11-22T08:00:16.456Z'),
    ...fields,
  });

/** The id range a query asks for. */
async function range(query: ListAuditEventsDto): Promise<{ minId?: string; belowId?: string }> {
  const { service, asked } = auditService();
  await service.list('acc', query);
  const { minId, belowId } = asked[0]!.filter;
  return { minId, belowId };
}

async function refusal(query: ListAuditEventsDto): Promise<string> {
  try {
    await auditService().service.list('acc', query);
  } catch (error) {
    expect((error as { code: string }).code).toBe(ErrorCode.InvalidInput);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(query)}`);
}

const ms = (iso: string) => Date.parse(iso);

describe('AuditService.list: the time range', () => {
  test('no range reads every id, with the other filters as given', async () => {
    const { service, asked } = auditService();
    await service.list('acc', { actor: '814814814814814', action: 'authentication', target: 'e1', cursor: 'f'.repeat(32) });
    expect(asked).toEqual([
      {
        accountId: 'acc',
        filter: { actorApiKey: '814814814814814', action: 'authentication', targetId: 'e1', cursor: 'f'.repeat(32) },
        limit: 51,
      },
    ]);
  });

  test('a date is its whole UTC day: from its midnight up to the next one', async () => {
    expect(await range({ from: '2026-11-22', to: '2026-11-22' })).toEqual({
      minId: auditIdFloor(ms('2026-11-22T00:00:00Z')),
      belowId: auditIdFloor(ms('2026-11-23T00:00:00Z')),
    });
  });

  test.each([
    ['2026-11-22T08:00Z', ms('2026-11-22T08:00:00Z'), 60_000],
    ['2026-11-22T08:00:16Z', ms('2026-11-22T08:00:16Z'), 1000],
    ['2026-11-22T08:00:16.5Z', ms('2026-11-22T08:00:16.500Z'), 1],
    ['2026-11-22T08:00:16', ms('2026-11-22T08:00:16Z'), 1000],
    ['2026-11-22T09:00:16+01:00', ms('2026-11-22T08:00:16Z'), 1000],
    ['2026-11-22T03:30:16.250-04:30', ms('2026-11-22T08:00:16.250Z'), 1],
  ])('"to" %s includes the whole of its precision', async (to, start, span) => {
    expect(await range({ to })).toEqual({ minId: undefined, belowId: auditIdFloor(start + span) });
    expect(await range({ from: to })).toEqual({ minId: auditIdFloor(start), belowId: undefined });
  });

  test('a date-time without an offset is UTC', async () => {
    expect(await range({ from: '2026-11-22T08:00:16' })).toEqual(await range({ from: '2026-11-22T08:00:16Z' }));
  });

  test('from may equal to, or fall within what to includes', async () => {
    await expect(range({ from: '2026-11-22T23:59:59.999Z', to: '2026-11-22' })).resolves.toBeDefined();
    await expect(range({ from: '2026-11-22T08:00:16.999Z', to: '2026-11-22T08:00:16Z' })).resolves.toBeDefined();
  });

  test.each([
    [{ from: '2026-11-23', to: '2026-11-22' }],
    [{ from: '2026-11-22T08:00:17Z', to: '2026-11-22T08:00:16Z' }],
    [{ from: '2026-11-22T08:00:16.001Z', to: '2026-11-22T08:00:16.000Z' }],
  ])('from after to is refused: %j', async (query) => {
    expect(await refusal(query)).toBe('from must not be after to');
  });

  test.each([
    ['from', '2026-02-29'],
    ['to', '2026-02-30T00:00:00Z'],
    ['from', '2026-13-01'],
    ['to', '2026-00-10'],
    ['from', '2026-04-31T10:00Z'],
    ['to', '2026-11-22T24:01:00Z'],
    ['from', '2026-11-22T10:60Z'],
  ])('%s %s, which the calendar or the clock does not have, is refused', async (field, value) => {
    expect(await refusal({ [field]: value })).toBe(`${field} must be an ISO-8601 date or date-time`);
  });

  test('29 February is a day in a leap year', async () => {
    expect(await range({ from: '2024-02-29' })).toEqual({ minId: auditIdFloor(ms('2024-02-29T00:00:00Z')), belowId: undefined });
  });
});

describe('AuditService.list: pages', () => {
  test('asks for one more row than the page holds, to know whether another page follows', async () => {
    const rows = [5, 4, 3, 2, 1].map((n) => event(n));
    const { service, asked } = auditService(rows);
    const page = await service.list('acc', { page_size: 2 });
    expect(asked[0]!.limit).toBe(3);
    expect(page.events.map((e) => e.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(page.next_cursor).toBe(rows[1]!.id);
  });

  test('the last page has no cursor', async () => {
    const { service } = auditService([event(2), event(1)]);
    expect((await service.list('acc', { page_size: 2 })).next_cursor).toBeNull();
    expect((await auditService([]).service.list('acc', {})).events).toEqual([]);
  });

  test('an event on the wire: seconds precision, its actor, and a target only when both its parts are known', async () => {
    const rows = [
      event(3),
      event(2, { targetType: null, targetId: null }),
      event(1, { targetType: 'key', targetId: null, actorApiKey: null, actorKind: null }),
    ];
    const [a, b, c] = (await auditService(rows).service.list('acc', {})).events;
    expect(a).toEqual({
      id: rows[0]!.id,
      created_at: '2026-11-22T08:00:16Z',
      actor: { api_key: '814814814814814', kind: 'account', user_id: null },
      ip: '203.0.113.7',
      action: 'provisioning:sub_accounts.create',
      target: { type: 'sub_account', id: 'e1' },
      outcome: 'success',
      status: 200,
      reason: null,
    });
    expect(b!.target).toBeNull();
    expect(c).toMatchObject({ target: null, actor: { api_key: null, kind: null, user_id: null } });
  });
});

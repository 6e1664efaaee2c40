import { describe, expect, it } from 'vitest';
import { appendEvents, type AuditEvent, auditQuery, EMPTY_FILTERS, validateAuditFilters } from './auditQuery';

const event = (id: string): AuditEvent => ({
  id,
  created_at: '2026-11-22T08:00:16Z',
  actor: { api_key: '920437374209065', kind: 'account', user_id: null },
  ip: '127.0.0.1',
  action: 'provisioning:sub_accounts.create',
  target: { type: 'sub_account', id: 'abc' },
  outcome: 'success',
  status: 200,
  reason: null,
});

describe('auditQuery', () => {
  it('sends only the filters that are set, trimmed, with the page size', () => {
    expect(auditQuery(EMPTY_FILTERS)).toBe('?page_size=50');
    expect(
      auditQuery({ ...EMPTY_FILTERS, action: ' provisioning:access_keys.create ', actor: '920437374209065', from: '2026-11-01' }),
    ).toBe('?action=provisioning%3Aaccess_keys.create&actor=920437374209065&from=2026-11-01&page_size=50');
  });

  it('adds the cursor of the previous page', () => {
    expect(auditQuery({ ...EMPTY_FILTERS, target: '814814814814814' }, '0193a1b2c3d4e5f60718293a4b5c6d7e', 20)).toBe(
      '?target=814814814814814&page_size=20&cursor=0193a1b2c3d4e5f60718293a4b5c6d7e',
    );
    expect(auditQuery(EMPTY_FILTERS, null)).toBe('?page_size=50');
  });
});

describe('validateAuditFilters', () => {
  it('accepts empty filters and good values', () => {
    expect(validateAuditFilters(EMPTY_FILTERS)).toEqual({});
    expect(
      validateAuditFilters({
        action: 'authentication',
        actor: '920437374209065',
        target: 'x',
        from: '2026-11-01',
        to: '2026-11-22T08:00Z',
      }),
    ).toEqual({});
  });

  it('wants an api_key of 15 digits as the actor', () => {
    expect(validateAuditFilters({ ...EMPTY_FILTERS, actor: '12345' }).actor).toMatch(/15 digits/);
  });

  it('refuses malformed and impossible dates', () => {
    expect(validateAuditFilters({ ...EMPTY_FILTERS, from: '22/11/2026' }).from).toBeDefined();
    expect(validateAuditFilters({ ...EMPTY_FILTERS, to: '2026-13-40' }).to).toBeDefined();
  });

  it('reads a date as its whole day: the same day is fine, a later from is not', () => {
    expect(validateAuditFilters({ ...EMPTY_FILTERS, from: '2026-11-22', to: '2026-11-22' })).toEqual({});
    expect(validateAuditFilters({ ...EMPTY_FILTERS, from: '2026-11-22T15:00:00Z', to: '2026-11-22' })).toEqual({});
    expect(validateAuditFilters({ ...EMPTY_FILTERS, from: '2026-11-23', to: '2026-11-22' }).from).toMatch(/after/);
    expect(validateAuditFilters({ ...EMPTY_FILTERS, from: '2026-11-22T10:00:01Z', to: '2026-11-22T10:00:00Z' }).from).toMatch(/after/);
  });
});

describe('appendEvents', () => {
  it('appends the next page and drops events already shown', () => {
    expect(appendEvents([event('b'), event('a')], [event('a'), event('0')]).map((e) => e.id)).toEqual(['b', 'a', '0']);
  });
});

import 'reflect-metadata';
import { ISO_DATE_OR_TIME, ListAuditEventsDto } from './audit-event.dto.js';
import { accepted, refused } from '../../../../test/support/dto-validation.js';

// The audit log's query string: what each filter accepts, and what it tells a caller it refuses.

describe('ISO_DATE_OR_TIME', () => {
  test.each([
    '2026-11-22',
    '2026-11-22T08:00',
    '2026-11-22T08:00Z',
    '2026-11-22T08:00:16',
    '2026-11-22T08:00:16Z',
    '2026-11-22T08:00:16.1Z',
    '2026-11-22T08:00:16.123+05:30',
    '2026-11-22T08:00-01:00',
  ])('takes %s', (text) => {
    expect(ISO_DATE_OR_TIME.test(text)).toBe(true);
  });

  test.each([
    '22.11.2026',
    '2026-11-22 08:00:16',
    '2026-11-22T08',
    '2026-11-22T08:00:16.1234Z',
    '2026-11-22T08:00:16+0530',
    '2026-11-22T08:00:16z',
    '20261122',
    '2026-11-22\n',
    '２０２６-11-22',
  ])('refuses %j', (text) => {
    expect(ISO_DATE_OR_TIME.test(text)).toBe(false);
  });
});

describe('ListAuditEventsDto', () => {
  test('every filter as a query string gives it', async () => {
    const query = {
      from: '2026-11-22',
      to: '2026-11-22T08:00:16Z',
      actor: '814814814814814',
      action: 'provisioning:sub_accounts.create',
      target: 'e1',
      page_size: '200',
      cursor: '0193a1b2c3d4e5f60718293a4b5c6d7e',
    };
    expect(await accepted(ListAuditEventsDto, query, 'query')).toEqual({ ...query, page_size: 200 });
  });

  test('empty values are filters not given; the page size has its default in the service', async () => {
    expect(
      await accepted(ListAuditEventsDto, { from: '', to: '', actor: '', action: ' ', target: '', page_size: '', cursor: '' }, 'query'),
    ).toEqual({});
  });

  test.each([
    [{ from: 'yesterday' }, 'from must be an ISO-8601 date or date-time'],
    [{ to: '2026-11-22T08:00:16.1234567Z' }, 'to must be an ISO-8601 date or date-time'],
    [{ to: `2026-11-22${' '.repeat(40)}x` }, 'to must be at most 40 characters'],
    [{ actor: '81481481481481' }, 'actor must be an api_key (15 digits)'],
    [{ actor: '８１４８１４８１４８１４８１４' }, 'actor must be an api_key (15 digits)'],
    [{ actor: 'cstla_PUmSjS45lBtPejSS0EDVcFe2l2cz7m8T3uVMen' }, 'actor must be at most 15 characters'],
    [{ action: 'a'.repeat(129) }, 'action must be at most 128 characters'],
    [{ action: 'authentication\u0000' }, 'action must not contain control characters'],
    [{ target: 't'.repeat(65) }, 'target must be at most 64 characters'],
    [{ page_size: '0' }, 'page_size must be at least 1'],
    [{ page_size: '201' }, 'page_size must be at most 200'],
    [{ cursor: '0193A1B2C3D4E5F60718293A4B5C6D7E' }, 'cursor must be the next_cursor of a previous page'],
    [{ cursor: "' OR 1=1 --" }, 'cursor must be the next_cursor of a previous page'],
    [{ cursor: ['a', 'b'] }, 'cursor must be a string'],
  ])('%j is refused: %s', async (query, message) => {
    expect(await refused(ListAuditEventsDto, query, 'query')).toBe(message);
  });
});

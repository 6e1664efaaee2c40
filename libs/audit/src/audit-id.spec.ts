import { AUDIT_ID_PATTERN, auditIdFloor, AuditIdGenerator } from './audit-id.js';

// Audit ids are the log's order and its page cursor: 12 hex digits of the millisecond, then 20 that only grow
// within a millisecond. Compared as text, they must sort as the events happened.

const AT = new Date('2026-11-22T08:00:16.123Z');
const timeOf = (id: string): number => parseInt(id.slice(0, 12), 16);

describe('auditIdFloor', () => {
  test('is the millisecond in 12 hex digits, then 20 zeros', () => {
    expect(auditIdFloor(AT.getTime())).toBe(AT.getTime().toString(16).padStart(12, '0') + '0'.repeat(20));
    expect(auditIdFloor(0)).toBe('0'.repeat(32));
    expect(auditIdFloor(AT.getTime())).toMatch(AUDIT_ID_PATTERN);
  });

  test('a fraction of a millisecond counts as the millisecond it is in', () => {
    expect(auditIdFloor(AT.getTime() + 0.999)).toBe(auditIdFloor(AT.getTime()));
  });

  test('instants outside what 12 digits hold are clamped, never longer or shorter ids', () => {
    expect(auditIdFloor(-86_400_000)).toBe('0'.repeat(32));
    expect(auditIdFloor(Number.MAX_SAFE_INTEGER)).toBe('f'.repeat(12) + '0'.repeat(20));
    // The latest date the API accepts (year 9999) is well within them.
    expect(timeOf(auditIdFloor(Date.parse('9999-12-31T23:59:59.999Z')))).toBe(Date.parse('9999-12-31T23:59:59.999Z'));
  });

  test('orders as text as the instants do', () => {
    const instants = [0, 1, 15, 16, 255, 256, AT.getTime(), AT.getTime() + 1, Date.parse('2100-01-01T00:00:00Z')];
    const floors = instants.map(auditIdFloor);
    expect([...floors].sort()).toEqual(floors);
  });
});

describe('AuditIdGenerator', () => {
  test('ids are 32 lower-case hex digits that start with their millisecond', () => {
    const id = new AuditIdGenerator().next(AT);
    expect(id).toMatch(AUDIT_ID_PATTERN);
    expect(timeOf(id)).toBe(AT.getTime());
    expect(id >= auditIdFloor(AT.getTime())).toBe(true);
    expect(id < auditIdFloor(AT.getTime() + 1)).toBe(true);
  });

  test('within one millisecond every id is greater than the one before', () => {
    const ids = new AuditIdGenerator();
    const made = Array.from({ length: 2000 }, () => ids.next(AT));
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });

  test('a clock that goes back does not reorder the log: ids stay at the latest millisecond seen', () => {
    const ids = new AuditIdGenerator();
    const first = ids.next(AT);
    const after = ids.next(new Date(AT.getTime() - 5000));
    expect(after > first).toBe(true);
    expect(timeOf(after)).toBe(AT.getTime());
  });

  test('a later millisecond starts a new random part, and sorts after everything earlier', () => {
    const ids = new AuditIdGenerator();
    const earlier = Array.from({ length: 50 }, () => ids.next(AT));
    const later = ids.next(new Date(AT.getTime() + 1));
    expect(later > earlier.at(-1)!).toBe(true);
    expect(timeOf(later)).toBe(AT.getTime() + 1);
  });

  test('a millisecond whose random part runs out moves on to the next one rather than wrapping', () => {
    const ids = new AuditIdGenerator();
    const first = ids.next(AT);
    // As if a burst had used up nearly all 20 digits of this millisecond.
    (ids as unknown as { lastRandom: bigint }).lastRandom = 16n ** 20n - 1n;
    const next = ids.next(AT);
    expect(next).toMatch(AUDIT_ID_PATTERN);
    expect(timeOf(next)).toBe(AT.getTime() + 1);
    expect(next > first).toBe(true);
  });

  test('two generators (two instances) make different ids for the same millisecond', () => {
    const a = Array.from({ length: 20 }, () => new AuditIdGenerator().next(AT));
    expect(new Set(a).size).toBe(20);
  });
});

import 'reflect-metadata';
import { ANY_IP, NEVER } from '@castellan/core';
import {
  GenerateKeyDto,
  KeyNameDto,
  KeySettingsDto,
  ListKeysDto,
  MAX_GRACE_SECONDS,
  MAX_PAGE_SIZE,
  RotateKeyDto,
  UpdateAccessKeyDto,
} from './access-key.dto.js';
import { accepted, refused } from '../../../../test/support/dto-validation.js';

// The key routes' query strings and bodies, through the validation pipe every route uses: what is accepted, what it
// becomes, and the message a refusal gives.

describe('ListKeysDto', () => {
  test('query strings become numbers; "" means not given', async () => {
    expect(await accepted(ListKeysDto, { page_size: '25', page: '2', sort_by: 'name', sort_order: 'asc' })).toEqual({
      page_size: 25,
      page: 2,
      sort_by: 'name',
      sort_order: 'asc',
    });
    expect(await accepted(ListKeysDto, { page_size: '', page: '', sort_by: '', sort_order: '' })).toEqual({});
  });

  test.each([
    [{ page_size: '0' }, 'page_size must be at least 1'],
    [{ page_size: '1001' }, 'page_size must be at most 1000'],
    [{ page_size: '2.5' }, 'page_size must be an integer'],
    [{ page_size: '1e3' }, 'page_size must be an integer'],
    [{ page: '-1' }, 'page must be at least 1'],
    [{ page: '1000001' }, 'page must be at most 1000000'],
    [{ page: 'first' }, 'page must be an integer'],
    [{ sort_by: 'secret_hash' }, 'sort_by must be one of: api_key, created_at, name, enabled'],
    [{ sort_by: 'NAME' }, 'sort_by must be one of: api_key, created_at, name, enabled'],
    [{ sort_order: 'DESC' }, 'sort_order must be one of: asc, desc'],
    [{ sort_order: ['asc', 'desc'] }, 'sort_order must be one of: asc, desc'],
  ])('%j is refused: %s', async (query, message) => {
    expect(await refused(ListKeysDto, query)).toBe(message);
  });

  test('the largest page is 1000 keys', async () => {
    expect(MAX_PAGE_SIZE).toBe(1000);
    expect(await accepted(ListKeysDto, { page_size: '1000' })).toEqual({ page_size: 1000 });
  });
});

describe('KeySettingsDto', () => {
  test('"never", "any" and 0 are the words that clear a setting', async () => {
    expect(await accepted(KeySettingsDto, { expires_at: NEVER, allowed_ips: ANY_IP, rate_limit_per_minute: 0 })).toEqual({
      expires_at: NEVER,
      allowed_ips: ANY_IP,
      rate_limit_per_minute: 0,
    });
  });

  test('an empty JSON list of addresses clears the allowlist too', async () => {
    expect(await accepted(KeySettingsDto, { allowed_ips: [] })).toEqual({ allowed_ips: ANY_IP });
  });

  test('an expiry is a date-time with its offset, read as the instant it names', async () => {
    const { expires_at } = await accepted(KeySettingsDto, { expires_at: ' 2027-01-01T01:00:00+01:00 ' });
    expect(expires_at).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  test.each([
    ['2027-01-01'],
    ['2027-01-01T00:00:00'],
    ['tomorrow'],
    ['2027-01-01T25:00:00Z'],
    ['NEVER'],
    [1798761600000],
    [{ date: '2027-01-01T00:00:00Z' }],
  ])('expires_at %j is refused', async (expires_at) => {
    expect(await refused(KeySettingsDto, { expires_at })).toBe(
      'expires_at must be an ISO-8601 date-time with an offset (e.g. 2027-01-01T00:00:00Z) or "never"',
    );
  });

  // JavaScript's Date reads any day up to 31 and rolls it over: 30 February would be 2 March.
  test.each(['2027-02-30T00:00:00Z', '2027-02-29T00:00:00Z', '2027-04-31T10:00:00+02:00', '2027-00-10T00:00:00Z'])(
    'a day the calendar does not have (%s) is refused, not rolled over',
    async (expires_at) => {
      expect(await refused(KeySettingsDto, { expires_at })).toMatch(/^expires_at must be/);
    },
  );

  test('29 February of a leap year is a day', async () => {
    expect(await accepted(KeySettingsDto, { expires_at: '2028-02-29T00:00:00Z' })).toEqual({
      expires_at: new Date('2028-02-29T00:00:00Z'),
    });
  });

  test('addresses and ranges, repeated or comma-joined, are stored as ranges with their host bits cleared', async () => {
    expect(await accepted(KeySettingsDto, { allowed_ips: '203.0.113.7, 10.1.2.3/8' })).toEqual({
      allowed_ips: ['203.0.113.7/32', '10.0.0.0/8'],
    });
    expect(await accepted(KeySettingsDto, { allowed_ips: ['2001:DB8::1/32'] })).toEqual({ allowed_ips: ['2001:db8::/32'] });
  });

  test.each([
    [['10.0.0.0/33'], 'has a prefix length outside 0..32'],
    [['fe80::1%eth0'], 'is not an IPv4 or IPv6 address or CIDR range'],
    [['localhost'], 'is not an IPv4 or IPv6 address or CIDR range'],
    [[7], 'is not an IPv4 or IPv6 address or CIDR range'],
  ])('allowed_ips %j is refused, naming the entry', async (allowed_ips, words) => {
    const message = await refused(KeySettingsDto, { allowed_ips });
    expect(message.startsWith('allowed_ips: ')).toBe(true);
    expect(message).toContain(words);
  });

  test('an allowlist may hold at most 100 ranges', async () => {
    const ranges = Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`);
    expect(await refused(KeySettingsDto, { allowed_ips: ranges })).toBe('allowed_ips: at most 100 ranges are allowed, got 101');
    expect(await accepted(KeySettingsDto, { allowed_ips: ranges.slice(1) })).toEqual({ allowed_ips: ranges.slice(1) });
  });

  test.each([
    [-1, 'rate_limit_per_minute must be at least 0'],
    [1_000_001, 'rate_limit_per_minute must be at most 1000000'],
    ['ten', 'rate_limit_per_minute must be an integer'],
    [true, 'rate_limit_per_minute must be an integer'],
  ])('rate_limit_per_minute %j is refused', async (rate_limit_per_minute, message) => {
    expect(await refused(KeySettingsDto, { rate_limit_per_minute })).toBe(message);
  });
});

describe('GenerateKeyDto and UpdateAccessKeyDto', () => {
  test('names are trimmed; a blank name is no name (one is generated); unicode is kept', async () => {
    expect(await accepted(GenerateKeyDto, { name: '  Schlüssel für 🐈  ', enabled: 'false' })).toEqual({
      name: 'Schlüssel für 🐈',
      enabled: false,
    });
    expect(await accepted(GenerateKeyDto, { name: '   ' })).toEqual({});
  });

  test('fields the DTO does not declare are dropped: nothing else reaches the service', async () => {
    expect(await accepted(GenerateKeyDto, { name: 'k', root: true, api_key: '1', secret_hash: 'x', account_id: 'a' })).toEqual({
      name: 'k',
    });
  });

  test.each([
    ['a NUL in the name', { name: 'a\u0000b' }, 'name must not contain control characters'],
    ['an escape in the name', { name: 'a\u001bb' }, 'name must not contain control characters'],
    ['a name of 256 characters', { name: 'x'.repeat(256) }, 'name must be at most 255 characters'],
    ['a number for a name', { name: 42 }, 'name must be a string'],
    ['a description of 1001 characters', { description: 'x'.repeat(1001) }, 'description must be at most 1000 characters'],
    ['enabled "yes"', { enabled: 'yes' }, 'enabled must be true or false'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(GenerateKeyDto, body)).toBe(message);
  });

  test('a description may span lines', async () => {
    expect(await accepted(GenerateKeyDto, { description: 'line one\nline two\r\n\ttabbed' })).toEqual({
      description: 'line one\nline two\r\n\ttabbed',
    });
  });

  test('an access key may be dedicated to webhooks, and to nothing else', async () => {
    expect(await accepted(UpdateAccessKeyDto, { dedicated_for: 'webhooks' })).toEqual({ dedicated_for: 'webhooks' });
    expect(await refused(UpdateAccessKeyDto, { dedicated_for: 'uploads' })).toBe('dedicated_for must be one of: webhooks');
  });
});

describe('RotateKeyDto and KeyNameDto', () => {
  test('a grace period is 0 seconds to a week', async () => {
    expect(MAX_GRACE_SECONDS).toBe(7 * 24 * 3600);
    expect(await accepted(RotateKeyDto, { grace_seconds: '604800' })).toEqual({ grace_seconds: 604_800 });
    expect(await refused(RotateKeyDto, { grace_seconds: 604_801 })).toBe('grace_seconds must be at most 604800');
    expect(await refused(RotateKeyDto, { grace_seconds: -1 })).toBe('grace_seconds must be at least 0');
  });

  test('delete-by-name takes the name from wherever it came, or none', async () => {
    expect(await accepted(KeyNameDto, { name: ' old key ' })).toEqual({ name: 'old key' });
    expect(await accepted(KeyNameDto, {})).toEqual({});
  });
});

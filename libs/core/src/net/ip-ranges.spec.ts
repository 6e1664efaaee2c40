import { AppError, ErrorCode } from '../errors/app-error.js';
import { clientAddress, ipInRanges, MAX_ALLOWED_IP_RANGES, normaliseRanges, parseCidr, refuseLockOut } from './ip-ranges.js';

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    [' 192.168.1.0/24 ', '192.168.1.0/24'],
    ['203.0.113.9', '203.0.113.9/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.0.0.0/08', '10.0.0.0/8'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1/128'],
    ['2001:db8:abcd:1234::1/48', '2001:db8:abcd::/48'],
    ['::1', '::1/128'],
    ['::/0', '::/0'],
    ['fe80::1/10', 'fe80::/10'],
    ['::ffff:1.2.3.4', '1.2.3.4/32'],
    ['::ffff:10.9.8.7/104', '10.0.0.0/8'],
    ['::FFFF:a00:1', '10.0.0.1/32'],
    ['64:ff9b::192.0.2.33/120', '64:ff9b::c000:200/120'],
  ])('%s is %s', (text, range) => {
    expect(parseCidr(text)).toEqual({ range });
  });

  test.each([
    ['10.0.0.0/33', '"10.0.0.0/33" has a prefix length outside 0..32'],
    ['2001:db8::/129', '"2001:db8::/129" has a prefix length outside 0..128'],
    ['10.0.0.0/-1', '"10.0.0.0/-1" has a prefix length outside 0..32'],
    ['10.0.0.0/', '"10.0.0.0/" has a prefix length outside 0..32'],
    ['10.0.0.0/8a', '"10.0.0.0/8a" has a prefix length outside 0..32'],
    ['not-an-ip', '"not-an-ip" is not an IPv4 or IPv6 address or CIDR range'],
    ['1.2.3.4/8/9', '"1.2.3.4/8/9" is not an IPv4 or IPv6 address or CIDR range'],
    ['256.0.0.1', '"256.0.0.1" is not an IPv4 or IPv6 address or CIDR range'],
    ['010.0.0.1', '"010.0.0.1" is not an IPv4 or IPv6 address or CIDR range'],
    ['1.2.3', '"1.2.3" is not an IPv4 or IPv6 address or CIDR range'],
    ['fe80::1%eth0', '"fe80::1%eth0" is not an IPv4 or IPv6 address or CIDR range'],
    ['/8', '"/8" is not an IPv4 or IPv6 address or CIDR range'],
    ['', '"" is not an IPv4 or IPv6 address or CIDR range'],
  ])('refuses %s', (text, error) => {
    expect(parseCidr(text)).toEqual({ error });
  });

  test('quotes a long value cut short', () => {
    expect(parseCidr('x'.repeat(10_000))).toEqual({ error: `"${'x'.repeat(64)}…" is not an IPv4 or IPv6 address or CIDR range` });
  });
});

describe('normaliseRanges', () => {
  test('normalises each range and drops duplicates, keeping the first order', () => {
    expect(normaliseRanges(['10.1.2.3/8', '2001:DB8::/32', '10.0.0.0/8', '127.0.0.1'])).toEqual([
      '10.0.0.0/8',
      '2001:db8::/32',
      '127.0.0.1/32',
    ]);
  });

  test('an empty list stays empty (the field turns [] into "any" before)', () => {
    expect(normaliseRanges([])).toEqual([]);
  });

  test.each<[string, unknown[], string]>([
    ['an invalid range, naming it', ['10.0.0.0/8', '10.0.0.0/33'], '"10.0.0.0/33" has a prefix length outside 0..32'],
    ['a number', [5], '"5" is not an IPv4 or IPv6 address or CIDR range'],
    ['an object', [{ ip: '10.0.0.1' }], '"{\\"ip\\":\\"10.0.0.1\\"}" is not an IPv4 or IPv6 address or CIDR range'],
    ['null', [null], '"null" is not an IPv4 or IPv6 address or CIDR range'],
    [
      'too many ranges',
      Array.from({ length: MAX_ALLOWED_IP_RANGES + 1 }, (_, i) => `10.0.0.${i}`),
      'at most 100 ranges are allowed, got 101',
    ],
  ])('throws for %s', (_, list, message) => {
    expect(() => normaliseRanges(list)).toThrow(new Error(message));
  });

  test(`${MAX_ALLOWED_IP_RANGES} ranges are allowed`, () => {
    expect(normaliseRanges(Array.from({ length: MAX_ALLOWED_IP_RANGES }, (_, i) => `10.0.0.${i}`))).toHaveLength(MAX_ALLOWED_IP_RANGES);
  });
});

describe('ipInRanges', () => {
  const ranges = normaliseRanges(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);

  test.each([
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['2001:db8::1', true],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['::1', false],
    // An IPv4 client seen on a dual-stack socket matches IPv4 ranges.
    ['::ffff:10.1.2.3', true],
    ['::FFFF:192.168.1.7', true],
    ['::ffff:11.0.0.1', false],
    ['not-an-ip', false],
    ['', false],
  ])('%s: %s', (ip, inside) => {
    expect(ipInRanges(ip, ranges)).toBe(inside);
  });

  test('/0 allows every address of its family', () => {
    expect(ipInRanges('203.0.113.9', ['0.0.0.0/0'])).toBe(true);
    expect(ipInRanges('::ffff:203.0.113.9', ['0.0.0.0/0'])).toBe(true);
    expect(ipInRanges('2001:db8::1', ['0.0.0.0/0'])).toBe(false);
    expect(ipInRanges('2001:db8::1', ['::/0'])).toBe(true);
  });

  test('a single address allows only itself', () => {
    expect(ipInRanges('127.0.0.1', normaliseRanges(['127.0.0.1']))).toBe(true);
    expect(ipInRanges('127.0.0.2', normaliseRanges(['127.0.0.1']))).toBe(false);
    expect(ipInRanges('::1', normaliseRanges(['::1']))).toBe(true);
    expect(ipInRanges('::2', normaliseRanges(['::1']))).toBe(false);
  });

  test('an IPv4-mapped range allows the IPv4 client it names', () => {
    expect(ipInRanges('10.9.9.9', normaliseRanges(['::ffff:10.0.0.0/104']))).toBe(true);
  });

  test('an empty list allows nothing', () => {
    expect(ipInRanges('10.0.0.1', [])).toBe(false);
  });
});

describe('clientAddress', () => {
  test('shows a mapped IPv4 client as IPv4, and every other address as it is', () => {
    expect(clientAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddress('::1')).toBe('::1');
  });
});

describe('refuseLockOut', () => {
  test('passes a list holding the caller, a removed list and no change', () => {
    expect(() => refuseLockOut(['127.0.0.0/8'], '::ffff:127.0.0.1')).not.toThrow();
    expect(() => refuseLockOut(null, '127.0.0.1')).not.toThrow();
    expect(() => refuseLockOut(undefined, '127.0.0.1')).not.toThrow();
  });

  test('refuses, with a conflict naming the address, a list without the caller', () => {
    let refusal: unknown;
    try {
      refuseLockOut(['10.0.0.0/8'], '::ffff:127.0.0.1');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({
      code: ErrorCode.Conflict,
      message: 'allowed_ips does not include 127.0.0.1, the address of this request: the change would lock the caller out',
    });
  });
});

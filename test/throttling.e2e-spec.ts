import type { Response, Test } from 'supertest';
import { AuditRecorder } from '@castellan/audit';
import { AppConfig, generateSecret } from '@castellan/core';
import { startServer, TestAccount, TestServer } from './support/harness.js';
import { bind, Credentials, expectErrorMessage, expectUnauthorized, Json, Method, ok, okBody, UNKNOWN_ID } from './support/http.js';
import { listen, loadCloudinarySdk } from './support/sdk.js';

// Failed-authentication throttling (per client address and per api_key) and per-key request limits
// (rate_limit_per_minute), over HTTP with the default burst. Client addresses come from X-Forwarded-For.

let server: TestServer;
beforeAll(async () => {
  // An empty variable is unset: the suite runs with the default burst, not the harness's.
  server = await startServer({ TRUST_PROXY: 'true', AUTH_FAILURE_BURST: '' });
});
afterAll(async () => {
  delete process.env.CLOUDINARY_ACCOUNT_URL;
  await server.close();
});

const { call } = bind(() => server);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let lastAddress = 0;
/** A client address no other request of the run came from. */
const freshIp = (): string => `198.51.${Math.floor(++lastAddress / 250)}.${(lastAddress % 250) + 1}`;
/** A request from the client at `ip`. */
const from = (ip: string, method: Method, path: string, credentials?: Credentials | null): Test =>
  call(method, path, credentials).set('x-forwarded-for', ip);
/** A well-formed secret that is no key's. */
const wrongSecret = () => generateSecret('account');
const wrong = (account: TestAccount): Credentials => [account.api_key, wrongSecret()];

const retryAfter = (res: Response): number => Number(res.headers['retry-after']);
/** A 429 for failed authentications, with Retry-After in whole seconds and the message that repeats it. */
function expectThrottled(res: Response): number {
  const seconds = retryAfter(res);
  expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
  expectErrorMessage(res, 429, `Too many failed authentication attempts; retry after ${seconds} seconds`);
  return seconds;
}
/** Waits until a block of `seconds` (as Retry-After gave it) is over. */
const waitOut = (seconds: number) => sleep(seconds * 1000 + 100);

/** The account's failed authentications presented with its root api_key, oldest first. */
async function authenticationEvents(account: TestAccount): Promise<{ reason: string; status: number }[]> {
  await server.app.get(AuditRecorder).settled();
  const { events } = await okBody(
    call('get', `${account.base}/audit_events?action=authentication&actor=${account.api_key}&page_size=200`, account.auth),
  );
  return events.map((e: Json) => ({ reason: e.reason, status: e.status })).reverse();
}
const times = <T>(n: number, item: T): T[] => Array<T>(n).fill(item);

test('the default burst is 10 failures', () => {
  expect(server.app.get(AppConfig).authFailureBurst).toBe(10);
});

describe('failed authentications per client address', () => {
  test(
    'ten are free; each further one blocks the address with a delay that doubles, ' + 'and a blocked address is not even verified',
    async () => {
      const a = await server.newAccount('Brute-forced');
      const ip = freshIp();
      for (let i = 0; i < 10; i++) expectUnauthorized(await from(ip, 'get', a.base, wrong(a)));

      // The eleventh failure is still verified and counted; it starts the first block (1 s), and says so.
      expect(expectThrottled(await from(ip, 'get', a.base, wrong(a)))).toBe(1);
      // Whatever comes next from that address is refused, without credentials too.
      let last = expectThrottled(await from(ip, 'get', a.base));

      await waitOut(last);
      const second = expectThrottled(await from(ip, 'get', a.base, wrong(a)));
      expect(second).toBeGreaterThan(1);
      await waitOut(second);
      last = expectThrottled(await from(ip, 'get', a.base, wrong(a)));
      expect(last).toBeGreaterThan(second);

      // During a block, even the right secret from that address is refused before it is looked at.
      expectThrottled(await from(ip, 'get', a.base, a.auth));
      // Another address is not blocked, for this key or any other.
      ok(await from(freshIp(), 'get', a.base, a.auth));
      const b = await server.newAccount('Bystander');
      expectUnauthorized(await from(freshIp(), 'get', b.base, wrong(b)));

      // Every verified failure is in the key's account's log, as answered; each block start once more, as THROTTLED.
      expect(await authenticationEvents(a)).toEqual([
        ...times(10, { reason: 'WRONG_SECRET', status: 401 }),
        { reason: 'WRONG_SECRET', status: 429 },
        { reason: 'THROTTLED', status: 429 },
        { reason: 'WRONG_SECRET', status: 429 },
        { reason: 'THROTTLED', status: 429 },
        { reason: 'WRONG_SECRET', status: 429 },
        { reason: 'THROTTLED', status: 429 },
      ]);
    },
  );

  test('failures of unknown keys and missing credentials count too', async () => {
    const ip = freshIp();
    const target = (await server.newAccount()).base;
    const unknownKey: Credentials = ['111111111111111', wrongSecret()];
    for (let i = 0; i < 5; i++) expectUnauthorized(await from(ip, 'get', target, unknownKey));
    for (let i = 0; i < 5; i++) expectUnauthorized(await from(ip, 'get', target));
    expectThrottled(await from(ip, 'get', target));
  });
});

describe('failed authentications per api_key', () => {
  test('wrong secrets from many addresses block the api_key for wrong secrets only: the right one still works', async () => {
    const a = await server.newAccount('Targeted');
    for (let i = 0; i < 10; i++) expectUnauthorized(await from(freshIp(), 'get', a.base, wrong(a)));
    expect(expectThrottled(await from(freshIp(), 'get', a.base, wrong(a)))).toBe(1);
    await waitOut(1);
    // The next block of the key is longer; while it runs, wrong secrets are verified, refused with 429 and not counted.
    const block = expectThrottled(await from(freshIp(), 'get', a.base, wrong(a)));
    expect(block).toBe(2);
    expect(expectThrottled(await from(freshIp(), 'get', a.base, wrong(a)))).toBeLessThanOrEqual(block);
    ok(await from(freshIp(), 'get', a.base, a.auth));

    expect(await authenticationEvents(a)).toEqual([
      ...times(10, { reason: 'WRONG_SECRET', status: 401 }),
      { reason: 'WRONG_SECRET', status: 429 },
      { reason: 'THROTTLED', status: 429 },
      { reason: 'WRONG_SECRET', status: 429 },
      { reason: 'THROTTLED', status: 429 },
      { reason: 'WRONG_SECRET', status: 429 },
    ]);
  });

  test('refusals that prove the secret (here, another account’s path) do not count against the key', async () => {
    const [a, b] = [await server.newAccount(), await server.newAccount()];
    for (let i = 0; i < 11; i++) expectUnauthorized(await from(freshIp(), 'get', b.base, a.auth));
    expectUnauthorized(await from(freshIp(), 'get', a.base, wrong(a)));
  });
});

describe('per-key request limits (rate_limit_per_minute)', () => {
  const LIMIT_HEADERS = ['x-featureratelimit-limit', 'x-featureratelimit-remaining', 'x-featureratelimit-reset'];
  const limitHeaders = (res: Response) => Object.fromEntries(LIMIT_HEADERS.map((h) => [h, res.headers[h]]));

  let owner: TestAccount;
  beforeAll(async () => {
    owner = await server.newAccount('Rate limited');
  });
  /** A new account API key of the owner, with that limit. */
  const limitedKey = async (limit: number): Promise<Credentials> => {
    const key = await okBody(
      call('post', `${owner.base}/account_api_keys`, owner.auth, { name: `limited-${Math.random()}`, rate_limit_per_minute: limit }),
    );
    return [key.api_key, key.api_secret];
  };
  /** The window's end, as X-FeatureRateLimit-Reset gives it (an HTTP date), within the minute that started before it. */
  function expectReset(res: Response, before: number): void {
    const header = res.headers['x-featureratelimit-reset'];
    expect(header).toBe(new Date(header).toUTCString());
    const reset = new Date(header).getTime();
    expect(reset).toBeGreaterThanOrEqual(before - 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() + 60_000);
  }

  test('every answer of the key carries the limit; past it, 429 with Retry-After; other keys are unaffected', async () => {
    const key = await limitedKey(3);
    const before = Date.now();
    const answers = [
      await call('get', owner.base, key),
      await call('get', `${owner.base}/sub_accounts/${UNKNOWN_ID}`, key),
      await call('get', owner.base, key),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 404, 200]);
    expect(answers.map((res) => res.headers['x-featureratelimit-remaining'])).toEqual(['2', '1', '0']);
    for (const res of answers) {
      expect(res.headers['x-featureratelimit-limit']).toBe('3');
      expectReset(res, before);
    }

    const refused = await call('get', owner.base, key);
    const seconds = retryAfter(refused);
    expect(seconds >= 1 && seconds <= 60).toBe(true);
    expectErrorMessage(refused, 429, `Rate limit exceeded: 3 requests per minute; retry after ${seconds} seconds`);
    expect(refused.headers['x-featureratelimit-limit']).toBe('3');
    expect(refused.headers['x-featureratelimit-remaining']).toBe('0');
    expectReset(refused, before);

    // A key without a limit of its own is neither limited nor told about limits.
    const other = await call('get', owner.base, owner.auth);
    ok(other);
    expect(limitHeaders(other)).toEqual({
      'x-featureratelimit-limit': undefined,
      'x-featureratelimit-remaining': undefined,
      'x-featureratelimit-reset': undefined,
    });
    // Another limited key has its own window.
    expect((await call('get', owner.base, await limitedKey(3))).headers['x-featureratelimit-remaining']).toBe('2');
  });

  test('decision requests count, so a service forwarding the key enforces its limit', async () => {
    const key = await limitedKey(2);
    const decide = () => call('post', '/v1_1/authorize', key, { action: 'upload:destroy' });
    const answers = [await decide(), await decide()];
    expect(answers.map((res) => [res.status, res.headers['x-featureratelimit-remaining']])).toEqual([
      [200, '1'],
      [200, '0'],
    ]);
    expectErrorMessage(await decide(), 429, expect.stringMatching(/^Rate limit exceeded: 2 requests per minute; retry after \d+ seconds$/));
  });

  test('a refused authentication is not the key’s request: it neither counts nor carries the limit', async () => {
    const key = await limitedKey(1);
    const refused = await from(freshIp(), 'get', owner.base, [key[0], wrongSecret()]);
    expectUnauthorized(refused);
    expect(refused.headers['x-featureratelimit-limit']).toBeUndefined();
    expect((await call('get', owner.base, key)).headers['x-featureratelimit-remaining']).toBe('0');
  });

  test('the Cloudinary SDK reads the limit off a provisioning call', async () => {
    const [apiKey, apiSecret] = await limitedKey(5);
    const cloudinary = await loadCloudinarySdk(await listen(server), {
      account_id: owner.account_id,
      api_key: apiKey,
      api_secret: apiSecret,
    });
    const before = Date.now();
    const result = (await cloudinary.provisioning.account.sub_accounts(true)) as Json;
    expect(result).toMatchObject({ sub_accounts: [], rate_limit_allowed: 5, rate_limit_remaining: 4 });
    expect(result.rate_limit_reset_at).toBeInstanceOf(Date);
    expect(result.rate_limit_reset_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(result.rate_limit_reset_at.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });
});

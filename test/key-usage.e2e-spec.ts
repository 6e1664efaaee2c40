import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../libs/credentials/src/api-key.entity.js';
import { HOUR_MS } from '@castellan/key-usage';
import { KeyUsageHourEntity } from '../libs/key-usage/src/key-usage-hour.entity.js';
import { KeyUsageRecorder } from '../libs/key-usage/src/key-usage.recorder.js';
import { KeyUsageRepository } from '../libs/key-usage/src/key-usage.repository.js';
import { startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { bind, Credentials, expectErrorMessage, expectUnauthorized, Json, ok, okBody } from './support/http.js';

// Allowed and denied uses of keys per hour (GET …/access_keys/:api_key/usage, …/account_api_keys/:api_key/usage):
// what counts, the answer's 168 hours, who may read it, and how the counts reach the database (added per
// flush, across instances and restarts, and pruned).

const ISO_HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/;
const hourIso = (hour: number) => new Date(hour * HOUR_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
const currentHour = () => Math.floor(Date.now() / HOUR_MS);

/** Waits for the next hour when this one ends within 10 seconds, so that a test's requests fall in one hour. */
async function clearOfTheHourEnd(): Promise<void> {
  const left = (currentHour() + 1) * HOUR_MS - Date.now();
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** Every instance of this suite shares one database and pepper, so that their keys verify everywhere. */
let dir: string;
let shared: Record<string, string>;
let server: TestServer;
let owner: TestAccount;
let other: TestAccount;
let env: { path: string; root: Credentials };
const { call } = bind(() => server);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'castellan-usage-'));
  shared = {
    DATABASE_URL: process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'shared.sqlite')}`,
    SECRET_PEPPER: 'a pepper for the key usage tests, 32+ characters',
  };
  server = await startServer(shared);
  [owner, other] = [await server.newAccount('Usage owner'), await server.newAccount('Usage outsider')];
  const made = await okBody(
    call('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Usage env', cloud_name: uniqueCloudName('use') }),
  );
  env = { path: `${owner.base}/sub_accounts/${made.id}`, root: [made.api_access_keys[0].key, made.api_access_keys[0].secret] };
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Key {
  api_key: string;
  auth: Credentials;
  /** Its usage route. */
  usage: string;
}

/** A new key of the environment, or an account key; `settings` as the generate route takes them. */
async function newKey(kind: 'environment' | 'account', settings: Record<string, unknown> = {}, account = owner): Promise<Key> {
  const collection = kind === 'environment' ? `${env.path}/access_keys` : `${account.base}/account_api_keys`;
  const body = await okBody(call('post', collection, account.auth, { name: `k-${Math.random().toString(36).slice(2, 10)}`, ...settings }));
  return { api_key: body.api_key, auth: [body.api_key, body.api_secret], usage: `${collection}/${body.api_key}/usage` };
}

const usageOf = (key: Key) => okBody(call('get', key.usage, owner.auth));
const totalsOf = async (key: Key) => (await usageOf(key)).totals;
const self = (auth: Credentials) => call('get', '/v1_1/keys/self', auth);
const authorize = (auth: Credentials, body: object) => call('post', '/v1_1/authorize', auth, body as Record<string, unknown>);
const recorder = (on: TestServer = server) => on.app.get(KeyUsageRecorder);

/** Closes the suite's instance and starts another on the same database, as a deployment restarts one. */
async function restart(): Promise<void> {
  await server.close();
  server = await startServer(shared);
}

/** What the database holds for a key, summed over its hours. */
async function stored(apiKey: string): Promise<{ allowed: number; denied: number }> {
  const rows = await server.app.get(DataSource).getRepository(KeyUsageHourEntity).findBy({ accountId: owner.account_id, apiKey });
  return rows.reduce((sum, r) => ({ allowed: sum.allowed + r.allowed, denied: sum.denied + r.denied }), { allowed: 0, denied: 0 });
}

describe('the answer', () => {
  test('168 hours, oldest first, zero-filled, from 167 hours before the current hour to the current one', async () => {
    const key = await newKey('account');
    const before = currentHour();
    const res = await call('get', key.usage, owner.auth);
    const after = currentHour();
    const body = ok(res);
    expect(Object.keys(body)).toEqual(['api_key', 'from', 'to', 'hours', 'totals']);
    expect(body.api_key).toBe(key.api_key);
    expect([hourIso(before), hourIso(after)]).toContain(body.to);
    const to = Date.parse(body.to) / HOUR_MS;
    expect(body.from).toBe(hourIso(to - 167));
    expect(body.hours).toHaveLength(168);
    expect(body.hours.map((h: Json) => h.hour)).toEqual(Array.from({ length: 168 }, (_, i) => hourIso(to - 167 + i)));
    for (const h of body.hours) {
      expect(h.hour).toMatch(ISO_HOUR);
      expect(h).toEqual({ hour: h.hour, allowed: 0, denied: 0 });
    }
    expect(body.totals).toEqual({ allowed: 0, denied: 0 });
  });

  test('an environment key has the same answer at its own route', async () => {
    const key = await newKey('environment');
    const body = await usageOf(key);
    expect(body).toMatchObject({ api_key: key.api_key, totals: { allowed: 0, denied: 0 } });
    expect(body.hours).toHaveLength(168);
  });

  test('counts show in the hour they happened in, and the totals are their sums', async () => {
    const key = await newKey('account');
    for (let i = 0; i < 3; i++) ok(await self(key.auth));
    const body = await usageOf(key);
    const used = body.hours.filter((h: Json) => h.allowed + h.denied > 0);
    // The last hour, or the two last ones when the hour turned meanwhile.
    expect(used.every((h: Json) => body.hours.indexOf(h) >= 166)).toBe(true);
    expect(body.totals).toEqual({ allowed: 3, denied: 0 });
    expect(used.reduce((n: number, h: Json) => n + h.allowed, 0)).toBe(3);
  });
});

describe('what counts', () => {
  test('requests the guard lets through are allowed; a 403 and a wrong secret are denied; at once, before any flush', async () => {
    const key = await newKey('environment');
    const sibling = await newKey('environment');
    ok(await self(key.auth));
    ok(await call('get', '/v1_1/permissions/catalog', key.auth));
    // Environment keys hold no provisioning action.
    expectErrorMessage(await call('get', owner.base, key.auth), 403, 'Not allowed: provisioning:account.read');
    // A secret of the same kind that is not this key's.
    expectUnauthorized(await self([key.api_key, sibling.auth[1]]));
    expect(await totalsOf(key)).toEqual({ allowed: 2, denied: 2 });
    // The sibling's own use is its own, and its secret's misuse is not counted for it.
    expect(await totalsOf(sibling)).toEqual({ allowed: 0, denied: 0 });
  });

  test('the decision API counts its decisions: allowed or not, one per check of a batch; a refused body counts nothing', async () => {
    const key = await newKey('environment');
    expect(ok(await authorize(key.auth, { action: 'upload:upload' })).allowed).toBe(true);
    expect(ok(await authorize(key.auth, { action: 'provisioning:sub_accounts.read' })).allowed).toBe(false);
    expect(ok(await authorize(key.auth, { action: 'upload:upload', cloud_name: 'not-its-cloud' })).allowed).toBe(false);
    const batch = ok(
      await call('post', '/v1_1/authorize/batch', key.auth, {
        checks: [{ action: 'upload:upload' }, { action: 'admin:resources.read' }, { action: 'provisioning:users.read' }],
      }),
    );
    expect(batch.results.map((r: Json) => r.allowed)).toEqual([true, true, false]);
    expectErrorMessage(await authorize(key.auth, { action: 'upload:no_such_action' }), 400);
    expect(await totalsOf(key)).toEqual({ allowed: 3, denied: 3 });
  });

  test('a disabled key, an expired key and an address outside the allowlist are denied', async () => {
    const disabled = await newKey('account', { enabled: false });
    const expired = await newKey('account');
    // The API refuses an expiry in the past; the key was never used, so nothing cached it.
    await server.app
      .get(DataSource)
      .getRepository(ApiKeyEntity)
      .update({ apiKey: expired.api_key }, { expiresAt: new Date(Date.now() - 60_000) });
    const fenced = await newKey('account', { allowed_ips: ['203.0.113.0/24'] });
    for (const key of [disabled, expired, fenced]) {
      expectUnauthorized(await self(key.auth));
      expect(await totalsOf(key)).toEqual({ allowed: 0, denied: 1 });
    }
  });

  test("past its rate limit a key's requests are denied", async () => {
    const key = await newKey('account', { rate_limit_per_minute: 2 });
    ok(await self(key.auth));
    ok(await self(key.auth));
    expectErrorMessage(await self(key.auth), 429, expect.stringMatching(/^Rate limit exceeded/));
    expect(await totalsOf(key)).toEqual({ allowed: 2, denied: 1 });
  });

  test('user keys are counted too', async () => {
    const user = await okBody(
      call('post', `${owner.base}/users`, owner.auth, {
        name: 'Counted',
        email: `${uniqueCloudName('counted')}@example.com`,
        role: 'admin',
      }),
    );
    const key = await okBody(call('post', `${owner.base}/users/${user.id}/api_keys`, owner.auth, { name: 'laptop' }));
    ok(await self([key.api_key, key.api_secret]));
    // Admins may not change security settings.
    expectErrorMessage(await call('put', `${owner.base}/security`, [key.api_key, key.api_secret], { two_factor: 'required' }), 403);
    await recorder().flush();
    expect(await stored(key.api_key)).toEqual({ allowed: 1, denied: 1 });
  });

  test("a key used on another account's paths is denied, for its own account", async () => {
    const key = await newKey('account');
    expectUnauthorized(await call('get', other.base, key.auth));
    expect(await totalsOf(key)).toEqual({ allowed: 0, denied: 1 });
  });
});

describe('who may read it', () => {
  let envKey: Key;
  let accountKey: Key;
  beforeAll(async () => {
    [envKey, accountKey] = [await newKey('environment'), await newKey('account')];
  });

  test('missing credentials: 401', async () => {
    expectUnauthorized(await call('get', envKey.usage));
    expectUnauthorized(await call('get', accountKey.usage));
  });

  test("another account's key: 401, like a wrong secret", async () => {
    expectUnauthorized(await call('get', envKey.usage, other.auth));
    expectUnauthorized(await call('get', accountKey.usage, other.auth));
  });

  test('a key without the read permission: 403 naming it', async () => {
    expectErrorMessage(await call('get', envKey.usage, env.root), 403, 'Not allowed: provisioning:access_keys.read');
    expectErrorMessage(await call('get', accountKey.usage, env.root), 403, 'Not allowed: provisioning:account_api_keys.read');
  });

  test("an unknown key, a key of another environment, of another kind or of another account: 404 like the key's other routes", async () => {
    const otherEnv = await okBody(
      call('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Other env', cloud_name: uniqueCloudName('use') }),
    );
    const foreign = await newKey('account', {}, other);
    const cases: Array<[string, string]> = [
      [`${env.path}/access_keys/999999999999999/usage`, 'Access key 999999999999999 not found'],
      [`${owner.base}/sub_accounts/${otherEnv.id}/access_keys/${envKey.api_key}/usage`, `Access key ${envKey.api_key} not found`],
      [`${env.path}/access_keys/${accountKey.api_key}/usage`, `Access key ${accountKey.api_key} not found`],
      [`${owner.base}/account_api_keys/${envKey.api_key}/usage`, `Account API key ${envKey.api_key} not found`],
      [`${owner.base}/account_api_keys/${foreign.api_key}/usage`, `Account API key ${foreign.api_key} not found`],
      [
        `${owner.base}/sub_accounts/0123456789abcdef0123456789abcdef/access_keys/${envKey.api_key}/usage`,
        'Product environment 0123456789abcdef0123456789abcdef not found',
      ],
    ];
    for (const [path, message] of cases) expectErrorMessage(await call('get', path, owner.auth), 404, message);
  });

  test('ids of any shape are refused with 4xx, never 500', async () => {
    const paths = [
      `${env.path}/access_keys/not-a-key/usage`,
      `${env.path}/access_keys/${encodeURIComponent("1' OR '1'='1")}/usage`,
      `${env.path}/access_keys/${'9'.repeat(101)}/usage`,
      `${owner.base}/sub_accounts/${encodeURIComponent('x%y')}/access_keys/${envKey.api_key}/usage`,
      `${owner.base}/account_api_keys/%FF/usage`,
      `${owner.base}/account_api_keys/${'1'.repeat(40)}/usage`,
    ];
    for (const path of paths) {
      const res = await call('get', path, owner.auth);
      expect({ path, status: res.status >= 400 && res.status < 500, body: res.body }).toEqual({
        path,
        status: true,
        body: { error: { message: expect.any(String) } },
      });
    }
  });
});

describe('written in batches', () => {
  test('each flush adds to the stored counts', async () => {
    const key = await newKey('account');
    await recorder().flush();
    ok(await self(key.auth));
    ok(await self(key.auth));
    await recorder().flush();
    expect(await stored(key.api_key)).toEqual({ allowed: 2, denied: 0 });
    ok(await self(key.auth));
    expectErrorMessage(await call('get', owner.base, [key.api_key, env.root[1]]), 401);
    await recorder().flush();
    expect(await stored(key.api_key)).toEqual({ allowed: 3, denied: 1 });
    // Flushed and pending counts are read together, never twice.
    ok(await self(key.auth));
    expect(await totalsOf(key)).toEqual({ allowed: 4, denied: 1 });
    await recorder().flush();
    expect(await totalsOf(key)).toEqual({ allowed: 4, denied: 1 });
  });

  test('a write that fails is kept, and added to the next one', async () => {
    const key = await newKey('account');
    ok(await self(key.auth));
    jest.spyOn(server.app.get(KeyUsageRepository), 'add').mockRejectedValueOnce(new Error('the database is away'));
    // The failure logs an error by design.
    Logger.overrideLogger(false);
    try {
      await expect(recorder().flush()).rejects.toThrow('the database is away');
    } finally {
      Logger.overrideLogger(['error']);
    }
    expect(await totalsOf(key)).toEqual({ allowed: 1, denied: 0 });
    ok(await self(key.auth));
    await recorder().flush();
    expect(await stored(key.api_key)).toEqual({ allowed: 2, denied: 0 });
  });

  test('instances on one database add to each other, and closing one writes what it holds', async () => {
    const key = await newKey('account');
    const second = await startServer(shared);
    try {
      ok(await self(key.auth));
      await recorder().flush();
      ok(
        await second
          .http()
          .get('/v1_1/keys/self')
          .auth(...key.auth),
      );
      ok(
        await second
          .http()
          .get('/v1_1/keys/self')
          .auth(...key.auth),
      );
      await recorder(second).flush();
      expect(await stored(key.api_key)).toEqual({ allowed: 3, denied: 0 });
      // Held in memory only, until the second instance closes.
      ok(
        await second
          .http()
          .get('/v1_1/keys/self')
          .auth(...key.auth),
      );
    } finally {
      await second.close();
    }
    expect(await stored(key.api_key)).toEqual({ allowed: 4, denied: 0 });
    // Read through a fresh instance too: instances of one process may share passport's process-wide strategy,
    // which would have gone with the second one.
    await restart();
    expect(await totalsOf(key)).toEqual({ allowed: 4, denied: 0 });
  });

  test('counts held in memory survive a restart on the same database', async () => {
    const key = await newKey('account');
    ok(await self(key.auth));
    expectErrorMessage(await call('get', owner.base, [key.api_key, env.root[1]]), 401);
    await restart();
    expect(await stored(key.api_key)).toEqual({ allowed: 1, denied: 1 });
    expect(await totalsOf(key)).toEqual({ allowed: 1, denied: 1 });
  });

  test('counts made while the HTTP server closes (requests in flight) are written before the database closes', async () => {
    const key = await newKey('account');
    const closing = recorder();
    // Stands in for a request that ends after the flush before shutdown, while the HTTP server waits for it.
    jest
      .spyOn(closing, 'beforeApplicationShutdown')
      .mockImplementation(async () => closing.count({ accountId: owner.account_id, apiKey: key.api_key }, true));
    await restart();
    expect(await stored(key.api_key)).toEqual({ allowed: 1, denied: 0 });
  });

  test('8 days are kept: an instance prunes older hours with its first flush, then at most once an hour', async () => {
    const key = await newKey('account');
    const rows = () => server.app.get(DataSource).getRepository(KeyUsageHourEntity);
    await clearOfTheHourEnd();
    const now = currentHour();
    const at = (hoursAgo: number, allowed: number) => ({
      accountId: owner.account_id,
      apiKey: key.api_key,
      hourStart: new Date((now - hoursAgo) * HOUR_MS),
      allowed,
      denied: 0,
    });
    /** How many hours ago each stored hour of the key is. */
    const hoursStored = async () =>
      (await rows().findBy({ accountId: owner.account_id, apiKey: key.api_key }))
        .map((r) => now - r.hourStart.getTime() / HOUR_MS)
        .sort((a, b) => a - b);
    // Past the 8 days; the last hour of the 8 days; inside the 7 days shown.
    await rows().insert([at(24 * 8 + 1, 100), at(24 * 8, 10), at(100, 1)]);
    await restart();
    ok(await self(key.auth));
    await recorder().flush();
    expect(await hoursStored()).toEqual([0, 100, 24 * 8]);
    // The 8-day-old hour is kept, but not shown: the answer covers 7 days.
    const body = await usageOf(key);
    expect(body.hours[167 - 100]).toEqual({ hour: hourIso(now - 100), allowed: 1, denied: 0 });
    expect(body.totals).toEqual({ allowed: 2, denied: 0 });
    // Within the hour, the next flush prunes nothing.
    await rows().insert(at(24 * 9, 1000));
    ok(await self(key.auth));
    await recorder().flush();
    expect(await hoursStored()).toEqual([0, 100, 24 * 8, 24 * 9]);
  });
});

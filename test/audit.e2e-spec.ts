import { bind, okBody, type Json } from './support/http.js';
import { AuditRecorder } from '@castellan/audit';
import { generateSecret } from '@castellan/core';
import { expectError, INVALID_CREDENTIALS, ISO_SECONDS, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';

// The audit log: every change and every failed authentication, never a secret, per account.
// GET /v1_1/provisioning/accounts/:account_id/audit_events

type Auth = [string, string];

let server: TestServer;
let a: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Audited');
  other = await server.newAccount('Another account');
});
afterAll(() => server.close());

const { call } = bind(() => server);
const ok = okBody;
/** Background writes (failed authentications, refusals) are awaited, then the log is read. */
const log = async (query = '', owner: TestAccount = a, as: Auth = owner.auth): Promise<Json> => {
  await server.app.get(AuditRecorder).settled();
  return ok(call('get', `${owner.base}/audit_events${query}`, as));
};
const allEvents = async (query = '', owner: TestAccount = a): Promise<Json[]> => (await log(`?page_size=200${query}`, owner)).events;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** 15 digits that are no key: keys are random, so a run of one digit is safe. */
const UNKNOWN_KEY = '111111111111111';
// Well formed (it passes the checksum), so authentication looks the key up and compares.
const WRONG_SECRET = generateSecret('account');

/** Every secret the suite sees: none may ever appear in the log. */
const secrets: string[] = [WRONG_SECRET];
let mid: Date;

interface Expected {
  action: string;
  target: { type: string; id: string } | null;
}
const expected: Expected[] = [];

/** One of each kind of change, made with the account's root key; the log must hold each. */
beforeAll(async () => {
  const p = (action: string, type: string | null = null, id = '') =>
    expected.push({ action: `provisioning:${action}`, target: type ? { type, id } : null });
  const env = await ok(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Audited env', cloud_name: uniqueCloudName('au') }));
  secrets.push(env.api_access_keys[0].secret);
  p('sub_accounts.create', 'sub_account', env.id);
  await ok(call('put', `${a.base}/sub_accounts/${env.id}`, a.auth, { name: 'Renamed env' }));
  p('sub_accounts.update', 'sub_account', env.id);
  const keys = `${a.base}/sub_accounts/${env.id}/access_keys`;
  const key = await ok(call('post', keys, a.auth, { name: 'ci' }));
  secrets.push(key.api_secret);
  p('access_keys.create', 'key', key.api_key);
  await ok(call('put', `${keys}/${key.api_key}`, a.auth, { description: 'CI uploads' }));
  p('access_keys.update', 'key', key.api_key);
  await ok(call('put', `${keys}/${key.api_key}/permissions`, a.auth, { rules: [{ effect: 'allow', actions: ['upload:*'] }] }));
  p('access_keys.permissions.update', 'key', key.api_key);
  await ok(call('delete', `${keys}/${key.api_key}`, a.auth));
  p('access_keys.delete', 'key', key.api_key);
  const accountKey = await ok(call('post', `${a.base}/account_api_keys`, a.auth, { name: 'terraform' }));
  secrets.push(accountKey.api_secret);
  p('account_api_keys.create', 'key', accountKey.api_key);
  await ok(call('put', `${a.base}/account_api_keys/${accountKey.api_key}`, a.auth, { description: 'infra' }));
  p('account_api_keys.update', 'key', accountKey.api_key);
  await ok(
    call('put', `${a.base}/account_api_keys/${accountKey.api_key}/permissions`, a.auth, {
      rules: [{ effect: 'allow', actions: ['provisioning:*'] }],
    }),
  );
  p('account_api_keys.permissions.update', 'key', accountKey.api_key);

  await sleep(5);
  mid = new Date();
  await sleep(5);

  const user = await ok(
    call('post', `${a.base}/users`, a.auth, {
      name: 'Audited person',
      email: `audited-${Date.now()}@example.com`,
      role: 'technical_admin',
    }),
  );
  p('users.create', 'user', user.id);
  await ok(call('put', `${a.base}/users/${user.id}`, a.auth, { name: 'Renamed person' }));
  p('users.update', 'user', user.id);
  const userKey = await ok(call('post', `${a.base}/users/${user.id}/api_keys`, a.auth, { name: 'laptop' }));
  secrets.push(userKey.api_secret);
  p('user_api_keys.create', 'key', userKey.api_key);
  await ok(call('delete', `${a.base}/users/${user.id}/api_keys/${userKey.api_key}`, a.auth));
  p('user_api_keys.delete', 'key', userKey.api_key);
  const group = await ok(call('post', `${a.base}/user_groups`, a.auth, { name: 'Designers' }));
  p('user_groups.create', 'user_group', group.id);
  const role = await ok(
    call('post', `${a.base}/roles`, a.auth, { name: 'Readers', rules: [{ effect: 'allow', actions: ['provisioning:account.read'] }] }),
  );
  p('roles.create', 'role', role.id);
  await ok(call('put', `${a.base}/security`, a.auth, { two_factor: 'optional' }));
  p('security.update');
  await ok(call('delete', `${a.base}/users/${user.id}`, a.auth));
  p('users.delete', 'user', user.id);
  await ok(call('delete', `${a.base}/sub_accounts/${env.id}`, a.auth));
  p('sub_accounts.delete', 'sub_account', env.id);
});

describe('changes', () => {
  const ACTIONS = [
    'sub_accounts.create',
    'sub_accounts.update',
    'access_keys.create',
    'access_keys.update',
    'access_keys.permissions.update',
    'access_keys.delete',
    'account_api_keys.create',
    'account_api_keys.update',
    'account_api_keys.permissions.update',
    'users.create',
    'users.update',
    'user_api_keys.create',
    'user_api_keys.delete',
    'user_groups.create',
    'roles.create',
    'security.update',
    'users.delete',
    'sub_accounts.delete',
  ];

  test.each(ACTIONS)('%s is recorded with its actor, target and outcome', async (action) => {
    const want = expected.find((e) => e.action === `provisioning:${action}`)!;
    const found = (await allEvents(`&action=provisioning:${action}`)).filter((e) => e.outcome === 'success');
    expect(found).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        created_at: expect.stringMatching(ISO_SECONDS),
        actor: { api_key: a.api_key, kind: 'account', user_id: null },
        ip: expect.stringMatching(/\S/),
        action: want.action,
        target: want.target,
        outcome: 'success',
        status: 200,
        reason: null,
      },
    ]);
  });

  test('newest first, in the order the changes were made', async () => {
    const events = (await allEvents()).filter((e) => e.outcome === 'success' && e.actor.api_key === a.api_key);
    expect(
      events
        .slice(0, expected.length)
        .reverse()
        .map((e) => ({ action: e.action, target: e.target })),
    ).toEqual(expected);
    const ids = events.map((e) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  test('reads and simulations are not recorded', async () => {
    const before = await allEvents();
    await ok(call('get', `${a.base}/sub_accounts`, a.auth));
    await ok(call('get', a.base, a.auth));
    await ok(call('post', `${a.base}/permissions/simulate`, a.auth, { api_key: a.api_key, action: 'provisioning:account.read' }));
    expect(await allEvents()).toEqual(before);
    expect(before.filter((e) => /\.read$|simulate/.test(e.action))).toEqual([]);
  });

  test.each([
    ['invalid input', 'post', '/sub_accounts', {}, 400, 'provisioning:sub_accounts.create', null],
    [
      'no such record',
      'put',
      '/users/0123456789abcdef0123456789abcdef',
      { name: 'x' },
      404,
      'provisioning:users.update',
      { type: 'user', id: '0123456789abcdef0123456789abcdef' },
    ],
    [
      'a refused method',
      'delete',
      '/account_api_keys/{root}',
      undefined,
      405,
      'provisioning:account_api_keys.delete',
      { type: 'key', id: '{root}' },
    ],
  ] as const)('a change refused for %s is recorded as a failure with its status', async (_, verb, path, body, status, action, target) => {
    const withRoot = (s: string) => s.replace('{root}', a.api_key);
    expect((await call(verb, a.base + withRoot(path), a.auth, body)).status).toBe(status);
    const [latest] = await allEvents(`&action=${action}`);
    expect(latest).toMatchObject({
      action,
      outcome: 'failure',
      status,
      target: target ? { type: target.type, id: withRoot(target.id) } : null,
    });
  });

  test("a change the key may not make is recorded as a failure under the key's kind", async () => {
    const env = await ok(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Refusals', cloud_name: uniqueCloudName('au') }));
    const envKey: Auth = [env.api_access_keys[0].key, env.api_access_keys[0].secret];
    secrets.push(envKey[1]);
    expectError(await call('put', a.base, envKey, { name: 'Taken over' }), 403, {
      error: { message: 'Not allowed: provisioning:account.update' },
    });
    const [latest] = await allEvents(`&actor=${envKey[0]}`);
    expect(latest).toMatchObject({
      actor: { api_key: envKey[0], kind: 'environment', user_id: null },
      action: 'provisioning:account.update',
      outcome: 'failure',
      status: 403,
      target: null,
    });
  });
});

describe('failed authentication', () => {
  test("a wrong secret for a real key lands in the key's account, and no secret is ever recorded", async () => {
    expectError(await call('get', a.base, [a.api_key, WRONG_SECRET]), 401, INVALID_CREDENTIALS);
    const [latest] = await allEvents('&action=authentication');
    expect(latest).toMatchObject({
      actor: { api_key: a.api_key, kind: 'account', user_id: null },
      action: 'authentication',
      target: null,
      outcome: 'failure',
      status: 401,
      reason: 'WRONG_SECRET',
    });
    const everything = JSON.stringify([await allEvents(), await allEvents('', other)]);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('cstl');
  });

  test("a key used on another account's path is recorded in the key's own account", async () => {
    expectError(await call('put', a.base, other.auth, { name: 'x' }), 401, INVALID_CREDENTIALS);
    const [latest] = await allEvents('&action=authentication', other);
    expect(latest).toMatchObject({
      actor: { api_key: other.api_key, kind: 'account' },
      action: 'authentication',
      outcome: 'failure',
      status: 401,
      reason: 'WRONG_ACCOUNT',
    });
    expect((await allEvents()).filter((e) => e.actor.api_key === other.api_key)).toEqual([]);
  });

  test('an unknown key is visible to no account', async () => {
    expectError(await call('get', a.base, [UNKNOWN_KEY, WRONG_SECRET]), 401, INVALID_CREDENTIALS);
    for (const owner of [a, other]) expect(await allEvents(`&actor=${UNKNOWN_KEY}`, owner)).toEqual([]);
  });
});

describe('filters and pages', () => {
  test.each([
    ['actor', () => `&actor=${a.api_key}`, (e: Json) => e.actor.api_key === a.api_key],
    ['action', () => '&action=provisioning:users.create', (e: Json) => e.action === 'provisioning:users.create'],
    ['target', () => `&target=${expected[0]!.target!.id}`, (e: Json) => e.target?.id === expected[0]!.target!.id],
    ['from', () => `&from=${mid.toISOString()}`, (e: Json) => e.id >= Math.floor(mid.getTime()).toString(16).padStart(12, '0')],
    ['to', () => `&to=${mid.toISOString()}`, (e: Json) => e.id < (mid.getTime() + 1).toString(16).padStart(12, '0')],
  ] as [string, () => string, (e: Json) => boolean][])('%s', async (_, query, keep) => {
    const all = await allEvents();
    const filtered = await allEvents(query());
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(all.length);
    expect(filtered).toEqual(all.filter(keep));
  });

  test('from and to as dates include whole days; a window in the past or future is empty', async () => {
    const all = await allEvents();
    const today = new Date().toISOString().slice(0, 10);
    expect(await allEvents(`&from=${today}&to=${today}`)).toEqual(all);
    expect(await allEvents('&to=2000-01-01')).toEqual([]);
    expect(await allEvents('&from=2999-01-01T00:00:00Z')).toEqual([]);
    // Filters combine with AND.
    expect(await allEvents(`&from=${mid.toISOString()}&action=provisioning:sub_accounts.create`)).toEqual(
      all.filter((e) => e.action === 'provisioning:sub_accounts.create' && e.id >= mid.getTime().toString(16).padStart(12, '0')),
    );
  });

  test('page_size 2 walks every event once, newest first, and ends with next_cursor null', async () => {
    const all = await allEvents();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await log(`?page_size=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((e: Json) => e.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.map((e) => e.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  test.each([
    ['from=yesterday'],
    ['from=2026-02-30'],
    ['to=2026-13-01'],
    ['to=2026-11-22T25:00:00Z'],
    ['from=2026-11-23&to=2026-11-22'],
    ['cursor=not-a-cursor'],
    ['cursor=0123456789ABCDEF0123456789ABCDEF'],
    ['page_size=0'],
    ['page_size=201'],
    ['actor=abc'],
  ])('%s is refused with 400', async (query) => {
    expectError(await call('get', `${a.base}/audit_events?${query}`, a.auth), 400);
  });
});

describe('who may read the log', () => {
  test("an account never sees another account's events", async () => {
    const env = await ok(call('post', `${other.base}/sub_accounts`, other.auth, { name: 'Elsewhere', cloud_name: uniqueCloudName('au') }));
    secrets.push(env.api_access_keys[0].secret);
    const mine = await allEvents();
    const theirs = await allEvents('', other);
    expect(theirs.some((e) => e.target?.id === env.id)).toBe(true);
    expect(mine.some((e) => e.target?.id === env.id)).toBe(false);
    const ids = new Set(mine.map((e) => e.id));
    expect(theirs.filter((e) => ids.has(e.id))).toEqual([]);
    expect(await allEvents(`&target=${env.id}`)).toEqual([]);
  });

  test('401 without credentials or with a key of another account', async () => {
    expectError(await call('get', `${a.base}/audit_events`, null), 401, INVALID_CREDENTIALS);
    expectError(await call('get', `${a.base}/audit_events`, other.auth), 401, INVALID_CREDENTIALS);
  });

  test("403 for an environment key and a media_library_user's key; a reports user's key reads it", async () => {
    const env = await ok(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Readers', cloud_name: uniqueCloudName('au') }));
    const userKey = async (role: string): Promise<Auth> => {
      const user = await ok(call('post', `${a.base}/users`, a.auth, { name: role, email: `${role}-${Date.now()}@example.com`, role }));
      const key = await ok(call('post', `${a.base}/users/${user.id}/api_keys`, a.auth, { name: 'k' }));
      return [key.api_key, key.api_secret];
    };
    const refused = { error: { message: 'Not allowed: provisioning:audit_events.read' } };
    expectError(await call('get', `${a.base}/audit_events`, [env.api_access_keys[0].key, env.api_access_keys[0].secret]), 403, refused);
    expectError(await call('get', `${a.base}/audit_events`, await userKey('media_library_user')), 403, refused);
    const reports = await userKey('reports');
    expect((await log('', a, reports)).events.length).toBeGreaterThan(0);
  });
});

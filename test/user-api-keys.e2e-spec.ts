import type { Test } from 'supertest';
import { bind, okBody, type Method as Verb } from './support/http.js';
import { LastUseRecorder } from '@castellan/credentials';
import {
  expectError,
  INVALID_CREDENTIALS,
  ISO_SECONDS,
  LISTED_KEY_FIELDS,
  startServer,
  TestAccount,
  TestServer,
  uniqueCloudName,
} from './support/harness.js';

// User API keys: /v1_1/provisioning/accounts/:account_id/users/:user_id/api_keys. A user key acts with exactly
// its user's current privileges, optionally narrowed by its own rules, never more.

type Auth = [string, string];

let server: TestServer;
let a: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('User keys owner');
  other = await server.newAccount('Another account');
});
afterAll(() => server.close());

const { call } = bind(() => server);
const ok = okBody;

let emails = 0;
async function newUser(fields: Record<string, unknown> = {}, owner: TestAccount = a): Promise<string> {
  const body = await ok(
    call('post', `${owner.base}/users`, owner.auth, { name: 'Person', email: `p${++emails}-${Date.now()}@example.com`, ...fields }),
  );
  return body.id;
}
const keysPath = (userId: string, owner: TestAccount = a) => `${owner.base}/users/${userId}/api_keys`;
async function newKey(
  userId: string,
  as: Auth = a.auth,
  owner: TestAccount = a,
): Promise<{ api_key: string; auth: Auth; body: Record<string, unknown> }> {
  const body = await ok(call('post', keysPath(userId, owner), as, { name: `k${Math.random().toString(36).slice(2, 8)}` }));
  return { api_key: body.api_key, auth: [body.api_key, body.api_secret], body };
}
const status = async (req: Test) => (await req).status;
const setRole = (userId: string, role: string) => ok(call('put', `${a.base}/users/${userId}`, a.auth, { role }));

describe('generating and listing', () => {
  test('a generated key shows its secret once, as account_url too, and lists without it', async () => {
    const user = await newUser();
    const key = await newKey(user);
    expect(key.body).toMatchObject({
      api_secret: expect.stringMatching(/^cstlu_[0-9A-Za-z]{38}$/),
      account_url: `account://${key.auth[0]}:${key.auth[1]}@${a.account_id}`,
      root: false,
      enabled: true,
      last_used_at: null,
      last_used_ip: null,
    });
    const list = await ok(call('get', keysPath(user), a.auth));
    expect(list.total).toBe(1);
    expect(Object.keys(list.api_keys[0])).toEqual(LISTED_KEY_FIELDS);
    expect(JSON.stringify(list)).not.toContain(key.auth[1]);
  });

  test('rename, disable and enable', async () => {
    const user = await newUser({ role: 'technical_admin' });
    const key = await newKey(user);
    const path = `${keysPath(user)}/${key.api_key}`;
    expect(await ok(call('put', path, a.auth, { name: 'renamed', enabled: false }))).toMatchObject({ name: 'renamed', enabled: false });
    expect(await status(call('get', a.base, key.auth))).toBe(401);
    await ok(call('put', path, a.auth, { enabled: true }));
    expect(await status(call('get', `${a.base}/sub_accounts`, key.auth))).toBe(200);
  });

  test('revoking stops the key on the very next request', async () => {
    const user = await newUser({ role: 'technical_admin' });
    const key = await newKey(user);
    expect(await status(call('get', `${a.base}/sub_accounts`, key.auth))).toBe(200);
    expect(await ok(call('delete', `${keysPath(user)}/${key.api_key}`, a.auth))).toEqual({ message: 'ok' });
    expectError(await call('get', `${a.base}/sub_accounts`, key.auth), 401, INVALID_CREDENTIALS);
  });
});

describe("a user key acts with its user's current privileges", () => {
  test('demoting the user narrows the key at once; promoting widens it', async () => {
    const user = await newUser({ role: 'technical_admin' });
    const key = await newKey(user);
    expect(await status(call('get', `${a.base}/sub_accounts`, key.auth))).toBe(200);
    expectError(await call('get', `${a.base}/users`, key.auth), 403, { error: { message: 'Not allowed: provisioning:users.read' } });
    await setRole(user, 'media_library_user');
    expectError(await call('get', `${a.base}/sub_accounts`, key.auth), 403, {
      error: { message: 'Not allowed: provisioning:sub_accounts.read' },
    });
    await setRole(user, 'admin');
    expect(await status(call('get', `${a.base}/users`, key.auth))).toBe(200);
  });

  test('disabling or deleting the user stops the key', async () => {
    const user = await newUser({ role: 'admin' });
    const key = await newKey(user);
    await ok(call('put', `${a.base}/users/${user}`, a.auth, { enabled: false }));
    expectError(await call('get', a.base, key.auth), 401, INVALID_CREDENTIALS);
    await ok(call('put', `${a.base}/users/${user}`, a.auth, { enabled: true }));
    expect(await status(call('get', a.base, key.auth))).toBe(200);
    await ok(call('delete', `${a.base}/users/${user}`, a.auth));
    expectError(await call('get', a.base, key.auth), 401, INVALID_CREDENTIALS);
  });

  test('its own rules narrow it, and can never widen it beyond its user', async () => {
    const user = await newUser({ role: 'technical_admin' });
    const key = await newKey(user);
    const permissions = `${keysPath(user)}/${key.api_key}/permissions`;
    // The user manages its own key's rules with the key itself.
    await ok(call('put', permissions, key.auth, { rules: [{ effect: 'allow', actions: ['provisioning:account.read'] }] }));
    expect(await status(call('get', `${a.base}/sub_accounts`, key.auth))).toBe(403);
    expect(await status(call('get', a.base, key.auth))).toBe(200);
    await ok(call('put', permissions, a.auth, { rules: [{ effect: 'allow', actions: ['*'] }] }));
    expect(await status(call('get', `${a.base}/sub_accounts`, key.auth))).toBe(200);
    expect(await status(call('get', `${a.base}/users`, key.auth))).toBe(403);
  });

  test('the decision API answers for the environments the user reaches', async () => {
    const envs = await Promise.all(
      ['One', 'Two'].map(async (name) => ok(call('post', `${a.base}/sub_accounts`, a.auth, { name, cloud_name: uniqueCloudName('uk') }))),
    );
    const user = await newUser({ role: 'media_library_user', sub_account_ids: [envs[0].id] });
    const key = await newKey(user);
    const decide = (cloudName: string, action = 'upload:upload') =>
      ok(call('post', '/v1_1/authorize', key.auth, { action, cloud_name: cloudName }));
    expect(await decide(envs[0].cloud_name)).toMatchObject({ allowed: true, reason: 'ALLOWED', key: { kind: 'user' } });
    expect(await decide(envs[1].cloud_name)).toMatchObject({ allowed: false, reason: 'WRONG_ENVIRONMENT' });
    expect(await decide(envs[0].cloud_name, 'upload:destroy')).toMatchObject({ allowed: false, reason: 'NO_MATCHING_RULE' });
  });
});

describe('who may manage user keys', () => {
  test("a user manages its own keys with one of them, but not another user's", async () => {
    const [me, someone] = [await newUser(), await newUser()];
    const key = await newKey(me);
    expect(await status(call('get', keysPath(me), key.auth))).toBe(200);
    const second = await ok(call('post', keysPath(me), key.auth, { name: 'second' }));
    expect(await status(call('delete', `${keysPath(me)}/${second.api_key}`, key.auth))).toBe(200);
    expectError(await call('get', keysPath(someone), key.auth), 403, {
      error: { message: 'Not allowed: provisioning:user_api_keys.read' },
    });
  });

  test('a key cannot be made for a user who holds more than the maker', async () => {
    const boss = await newUser({ role: 'master_admin' });
    const narrow = await ok(call('post', `${a.base}/account_api_keys`, a.auth, { name: `narrow-${Date.now()}` }));
    const narrowAuth: Auth = [narrow.api_key, narrow.api_secret];
    await ok(
      call('put', `${a.base}/account_api_keys/${narrow.api_key}/permissions`, a.auth, {
        rules: [{ effect: 'allow', actions: ['provisioning:*'] }],
      }),
    );
    const res = await call('post', keysPath(boss), narrowAuth, { name: 'stolen' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/^Not allowed: (upload|admin):/);
    expect((await ok(call('get', keysPath(boss), a.auth))).total).toBe(0);
  });

  test.each([
    ['no credentials', () => null],
    ["another account's key", () => other.auth],
  ])('%s → 401 on every route', async (_, as) => {
    const user = await newUser();
    const key = await newKey(user);
    for (const [verb, path] of [
      ['get', keysPath(user)],
      ['post', keysPath(user)],
      ['put', `${keysPath(user)}/${key.api_key}`],
      ['delete', `${keysPath(user)}/${key.api_key}`],
    ] as [Verb, string][]) {
      expectError(await call(verb, path, as(), {}), 401, INVALID_CREDENTIALS);
    }
    expect((await ok(call('get', keysPath(user), a.auth))).total).toBe(1);
  });

  test("unknown users and keys, and other accounts' users → 404", async () => {
    const stranger = await newUser({}, other);
    const user = await newUser();
    expectError(await call('get', keysPath('0123456789abcdef0123456789abcdef'), a.auth), 404);
    expectError(await call('get', keysPath(stranger), a.auth), 404);
    expectError(await call('delete', `${keysPath(user)}/100000000000000`, a.auth), 404);
  });

  test('invalid input → 400 and no key made', async () => {
    const user = await newUser();
    for (const body of [{ name: 'x'.repeat(256) }, { enabled: 'maybe' }, { description: 'd'.repeat(1001) }]) {
      expectError(await call('post', keysPath(user), a.auth, body), 400);
    }
    expect((await ok(call('get', keysPath(user), a.auth))).total).toBe(0);
  });
});

describe('last use', () => {
  test('every kind of key records when and from where it was last used, without a write per request', async () => {
    const user = await newUser({ role: 'technical_admin' });
    const userKey = await newKey(user);
    const env = await ok(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Used', cloud_name: uniqueCloudName('lu') }));
    const envAuth: Auth = [env.api_access_keys[0].key, env.api_access_keys[0].secret];
    await call('get', `${a.base}/sub_accounts`, userKey.auth);
    await call('post', '/v1_1/authorize', envAuth, { action: 'upload:upload' });
    // Nothing is written on the request path; the recorder's batch is.
    const before = (await ok(call('get', keysPath(user), a.auth))).api_keys[0];
    expect(before.last_used_at).toBeNull();
    await server.app.get(LastUseRecorder).flush();
    const used = { last_used_at: expect.stringMatching(ISO_SECONDS), last_used_ip: expect.stringMatching(/\d/) };
    expect((await ok(call('get', keysPath(user), a.auth))).api_keys[0]).toMatchObject(used);
    expect((await ok(call('get', `${a.base}/sub_accounts/${env.id}/access_keys`, a.auth))).access_keys[0]).toMatchObject(used);
    const accountKeys = (await ok(call('get', `${a.base}/account_api_keys`, a.auth))).account_api_keys;
    expect(accountKeys.find((k: { api_key: string }) => k.api_key === a.api_key)).toMatchObject(used);
    // The user is no longer pending once one of its keys has been used.
    expect(await ok(call('get', `${a.base}/users/${user}`, a.auth))).toMatchObject({
      pending: false,
      last_login: expect.stringMatching(ISO_SECONDS),
    });
  });
});

import { DataSource } from 'typeorm';
import { AuditRecorder } from '@castellan/audit';
import { ApiKeyEntity } from '../libs/credentials/src/api-key.entity.js';
import { allow, bind, deny, expectErrorMessage, expectUnauthorized, Form, okBody, type Credentials, type Json } from './support/http.js';
import { expectUnchanged, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';

// Key lifecycle, for every kind of key: expires_at, the account's cap on key lifetimes (key_max_lifetime_days in
// /security), and rotation with a grace period: POST …/:api_key/rotate {"grace_seconds": 0..604800}.

let server: TestServer;
let other: TestAccount;

beforeAll(async () => {
  server = await startServer();
  other = await server.newAccount('Another account');
});
afterAll(() => server.close());

const { call } = bind(() => server);
const ok = okBody;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECOND = 1000;
const DAY = 86_400 * SECOND;
/** An instant `ms` from now, in whole seconds, as the API shows timestamps. */
const isoIn = (ms: number): string => new Date(Math.floor((Date.now() + ms) / SECOND) * SECOND).toISOString().replace('.000Z', 'Z');
/** 15 digits that are no key: keys are random, so a run of one digit is safe. */
const UNKNOWN_KEY = '111111111111111';

/** An account with a product environment and a user, so that it can hold every kind of key. */
interface Tenant {
  account: TestAccount;
  envId: string;
  cloudName: string;
  userId: string;
}

let people = 0;
async function newUser(account: TestAccount, role: string): Promise<string> {
  const email = `lifecycle-${++people}-${Date.now()}@example.com`;
  return (await ok(call('post', `${account.base}/users`, account.auth, { name: 'Person', email, role }))).id;
}

async function newTenant(name: string): Promise<Tenant> {
  const account = await server.newAccount(name);
  const cloudName = uniqueCloudName('lc');
  const env = await ok(call('post', `${account.base}/sub_accounts`, account.auth, { name: 'Env', cloud_name: cloudName }));
  return { account, envId: env.id, cloudName, userId: await newUser(account, 'technical_admin') };
}

/** What differs between the kinds of key: where they live, their permission family, how their secret is pasted. */
interface Kind {
  kind: 'environment' | 'account' | 'user';
  family: 'access_keys' | 'account_api_keys' | 'user_api_keys';
  prefix: string;
  listField: string;
  collection: (t: Tenant) => string;
  pasteReady: (t: Tenant, apiKey: string, secret: string) => Record<string, string>;
}

const ENVIRONMENT: Kind = {
  kind: 'environment',
  family: 'access_keys',
  prefix: 'cstle_',
  listField: 'access_keys',
  collection: (t) => `${t.account.base}/sub_accounts/${t.envId}/access_keys`,
  pasteReady: (t, key, secret) => ({ api_environment_variable: `cloudinary://${key}:${secret}@${t.cloudName}` }),
};
const ACCOUNT: Kind = {
  kind: 'account',
  family: 'account_api_keys',
  prefix: 'cstla_',
  listField: 'account_api_keys',
  collection: (t) => `${t.account.base}/account_api_keys`,
  pasteReady: (t, key, secret) => ({ account_url: `account://${key}:${secret}@${t.account.account_id}` }),
};
const USER: Kind = {
  kind: 'user',
  family: 'user_api_keys',
  prefix: 'cstlu_',
  listField: 'api_keys',
  collection: (t) => `${t.account.base}/users/${t.userId}/api_keys`,
  pasteReady: ACCOUNT.pasteReady,
};
const KINDS = [ENVIRONMENT, ACCOUNT, USER];
const eachKind = test.each(KINDS.map((k) => [k.kind, k] as const));

interface Key {
  api_key: string;
  auth: Credentials;
  body: Json;
}

let names = 0;
const generate = (k: Kind, t: Tenant, fields: Record<string, unknown> = {}) =>
  call('post', k.collection(t), t.account.auth, { name: `key${++names}`, ...fields });
async function newKey(k: Kind, t: Tenant, fields: Record<string, unknown> = {}): Promise<Key> {
  const body = await ok(generate(k, t, fields));
  return { api_key: body.api_key, auth: [body.api_key, body.api_secret], body };
}
const keyPath = (k: Kind, t: Tenant, apiKey: string) => `${k.collection(t)}/${apiKey}`;
const update = (k: Kind, t: Tenant, apiKey: string, payload: Record<string, unknown> | Form) =>
  call('put', keyPath(k, t, apiKey), t.account.auth, payload);
const rotate = (k: Kind, t: Tenant, apiKey: string, payload?: Record<string, unknown> | Form, as: Credentials | null = t.account.auth) =>
  call('post', `${keyPath(k, t, apiKey)}/rotate`, as, payload);
/** The whole list the key sits in, as JSON text (to look for secrets in). */
const listText = async (k: Kind, t: Tenant) => JSON.stringify(await ok(call('get', `${k.collection(t)}?page_size=1000`, t.account.auth)));
/** The key as its list shows it. */
async function listed(k: Kind, t: Tenant, apiKey: string): Promise<Json> {
  return (await ok(call('get', `${k.collection(t)}?page_size=1000`, t.account.auth)))[k.listField].find(
    (key: Json) => key.api_key === apiKey,
  );
}
/** 200 when the credentials authenticate, 401 when not; the decision API takes any valid key of any kind. */
const authStatus = async (auth: Credentials): Promise<number> => (await call('get', '/v1_1/keys/self', auth)).status;
const statuses = (apiKey: string, secrets: string[]) => Promise.all(secrets.map((secret) => authStatus([apiKey, secret])));
/** The account's audit log, once background writes have landed. */
async function auditEvents(t: Tenant, query: string): Promise<Json[]> {
  await server.app.get(AuditRecorder).settled();
  return (await ok(call('get', `${t.account.base}/audit_events?page_size=200${query}`, t.account.auth))).events;
}
/** A fixture: the key's expiry set in the past directly, as if its time had run out. */
const expireNow = (apiKey: string) =>
  server.app
    .get(DataSource)
    .getRepository(ApiKeyEntity)
    .update({ apiKey }, { expiresAt: new Date(Date.now() - SECOND) });

describe('expires_at', () => {
  let t: Tenant;
  beforeAll(async () => (t = await newTenant('Expiry')));

  eachKind('%s key: set at creation (any offset, shown in UTC), shown in lists, and the key works until then', async (_, k) => {
    const key = await newKey(k, t, { expires_at: '2030-01-01T02:00:00+02:00' });
    expect(key.body.expires_at).toBe('2030-01-01T00:00:00Z');
    expect(await listed(k, t, key.api_key)).toMatchObject({ expires_at: '2030-01-01T00:00:00Z' });
    expect(await authStatus(key.auth)).toBe(200);
  });

  eachKind('%s key: set later (JSON or form), kept by other changes, removed with "never"', async (_, k) => {
    const key = await newKey(k, t);
    expect(key.body.expires_at).toBeNull();
    const [first, second] = [isoIn(DAY), isoIn(2 * DAY)];
    expect(await ok(update(k, t, key.api_key, { expires_at: first }))).toMatchObject({ expires_at: first });
    expect(await ok(update(k, t, key.api_key, new Form(`expires_at=${encodeURIComponent(second)}`)))).toMatchObject({ expires_at: second });
    expect(await ok(update(k, t, key.api_key, { description: 'unrelated' }))).toMatchObject({ expires_at: second });
    expect(await ok(update(k, t, key.api_key, { expires_at: 'never' }))).toMatchObject({ expires_at: null });
    expect(await listed(k, t, key.api_key)).toMatchObject({ expires_at: null, description: 'unrelated' });
  });

  const INVALID: [string, () => unknown, RegExp][] = [
    ['a past date', () => '2020-01-01T00:00:00Z', /^expires_at must be in the future$/],
    ['the present', () => new Date().toISOString(), /^expires_at must be in the future$/],
    ['a date without a time', () => '2030-01-01', /^expires_at must be an ISO-8601 date-time/],
    ['a date-time without an offset', () => '2030-01-01T00:00:00', /^expires_at must be an ISO-8601 date-time/],
    ['a day the calendar does not have (30 February)', () => '2030-02-30T00:00:00Z', /^expires_at must be an ISO-8601 date-time/],
    ['a word', () => 'tomorrow', /^expires_at must be an ISO-8601 date-time/],
    ['a number', () => 1893456000, /^expires_at must be an ISO-8601 date-time/],
  ];
  test.each(KINDS.flatMap((k) => INVALID.map(([what, value, message]) => [k.kind, what, k, value, message] as const)))(
    '%s key: %s is 400, at creation and later, and changes nothing',
    async (_, __, k, value, message) => {
      await expectUnchanged(
        () => listText(k, t),
        async () => expectErrorMessage(await generate(k, t, { expires_at: value() }), 400, expect.stringMatching(message)),
      );
      const key = await newKey(k, t);
      await expectUnchanged(
        () => listed(k, t, key.api_key),
        async () =>
          expectErrorMessage(
            await update(k, t, key.api_key, { expires_at: value(), description: 'refused' }),
            400,
            expect.stringMatching(message),
          ),
      );
    },
  );
});

describe("the account's cap on key lifetimes (key_max_lifetime_days)", () => {
  const CAP_DAYS = 30;
  const CAP_MESSAGE = `the account's key_max_lifetime_days is ${CAP_DAYS}`;
  let t: Tenant;
  /** Per kind, keys made before the cap: one that never expires, one that expires after the cap would allow. */
  const beforeCap = new Map<Kind, { never: Key; late: Key }>();
  const LATE = isoIn(400 * DAY);
  const setCap = (days: number) => ok(call('put', `${t.account.base}/security`, t.account.auth, { key_max_lifetime_days: days }));

  beforeAll(async () => {
    t = await newTenant('Capped');
    for (const k of KINDS) beforeCap.set(k, { never: await newKey(k, t), late: await newKey(k, t, { expires_at: LATE }) });
    expect(await setCap(CAP_DAYS)).toMatchObject({ key_max_lifetime_days: CAP_DAYS });
  });

  eachKind('%s key: made without expires_at, it expires at the cap', async (_, k) => {
    const before = Date.now();
    const key = await newKey(k, t);
    const after = Date.now();
    const expiresAt = Date.parse(key.body.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor((before + CAP_DAYS * DAY) / SECOND) * SECOND);
    expect(expiresAt).toBeLessThanOrEqual(after + CAP_DAYS * DAY);
    expect(await authStatus(key.auth)).toBe(200);
  });

  eachKind('%s key: an expires_at within the cap is kept, at creation and later', async (_, k) => {
    const [first, second] = [isoIn((CAP_DAYS - 1) * DAY), isoIn(DAY)];
    const key = await newKey(k, t, { expires_at: first });
    expect(key.body.expires_at).toBe(first);
    expect(await ok(update(k, t, key.api_key, { expires_at: second }))).toMatchObject({ expires_at: second });
  });

  const BEYOND: [string, () => string][] = [
    ['later than the cap', () => isoIn((CAP_DAYS + 1) * DAY)],
    ['"never"', () => 'never'],
  ];
  test.each(KINDS.flatMap((k) => BEYOND.map(([what, value]) => [k.kind, what, k, value] as const)))(
    '%s key: expires_at %s is 400 naming the cap, at creation and later, and changes nothing',
    async (_, __, k, value) => {
      const message = expect.stringContaining(CAP_MESSAGE);
      await expectUnchanged(
        () => listText(k, t),
        async () => expectErrorMessage(await generate(k, t, { expires_at: value() }), 400, message),
      );
      const key = await newKey(k, t);
      await expectUnchanged(
        () => listed(k, t, key.api_key),
        async () => expectErrorMessage(await update(k, t, key.api_key, { expires_at: value() }), 400, message),
      );
    },
  );

  eachKind('%s key: keys made before the cap keep their expiry, and other changes to them still work', async (_, k) => {
    const { never, late } = beforeCap.get(k)!;
    for (const [key, expiresAt] of [
      [never, null],
      [late, LATE],
    ] as const) {
      expect(await ok(update(k, t, key.api_key, { description: 'still mine' }))).toMatchObject({
        expires_at: expiresAt,
        description: 'still mine',
      });
      expect(await authStatus(key.auth)).toBe(200);
    }
  });

  test('the first key of a new product environment expires at the cap too', async () => {
    const env = await ok(
      call('post', `${t.account.base}/sub_accounts`, t.account.auth, { name: 'Capped env', cloud_name: uniqueCloudName('lc') }),
    );
    const { access_keys: keys } = await ok(call('get', `${t.account.base}/sub_accounts/${env.id}/access_keys`, t.account.auth));
    expect(keys).toEqual([expect.objectContaining({ root: true, expires_at: expect.any(String) })]);
    expect(Date.parse(keys[0].expires_at)).toBeGreaterThan(Date.now() + (CAP_DAYS - 1) * DAY);
    expect(Date.parse(keys[0].expires_at)).toBeLessThanOrEqual(Date.now() + CAP_DAYS * DAY);
  });

  // Last: it lifts the cap of this suite's account.
  test('removing the cap (0) lets new keys never expire again', async () => {
    expect(await setCap(0)).toMatchObject({ key_max_lifetime_days: null });
    expect((await newKey(ACCOUNT, t)).body.expires_at).toBeNull();
    expect((await newKey(ACCOUNT, t, { expires_at: 'never' })).body.expires_at).toBeNull();
  });
});

describe('an expired key', () => {
  let t: Tenant;
  const keys = new Map<Kind, Key>();

  // One real expiry for every kind: a few seconds ahead, then wait for it.
  beforeAll(async () => {
    t = await newTenant('Expired');
    const expiresAt = new Date(Date.now() + 3 * SECOND);
    for (const k of KINDS) keys.set(k, await newKey(k, t, { expires_at: expiresAt.toISOString() }));
    for (const key of keys.values()) expect(await authStatus(key.auth)).toBe(200);
    await sleep(expiresAt.getTime() - Date.now() + 100);
  });

  eachKind('%s key: refused with 401, and the audit log says KEY_EXPIRED; a new expires_at revives it', async (_, k) => {
    const key = keys.get(k)!;
    expectUnauthorized(await call('get', '/v1_1/keys/self', key.auth));
    expectUnauthorized(await call('get', t.account.base, key.auth));
    const [latest] = await auditEvents(t, `&action=authentication&actor=${key.api_key}`);
    expect(latest).toMatchObject({
      actor: { api_key: key.api_key, kind: k.kind },
      action: 'authentication',
      outcome: 'failure',
      status: 401,
      reason: 'KEY_EXPIRED',
    });

    const renewed = isoIn(DAY);
    expect(await ok(update(k, t, key.api_key, { expires_at: renewed }))).toMatchObject({ expires_at: renewed });
    expect(await authStatus(key.auth)).toBe(200);
  });
});

describe('rotation', () => {
  let t: Tenant;
  beforeAll(async () => (t = await newTenant('Rotation')));

  eachKind('%s key: a new secret, shown once with its paste-ready form; without grace the old one stops at once', async (_, k) => {
    const key = await newKey(k, t);
    const rotated = await ok(rotate(k, t, key.api_key));
    expect(rotated).toEqual({
      ...key.body,
      api_secret: expect.stringMatching(new RegExp(`^${k.prefix}[0-9A-Za-z]{38}$`)),
      updated_at: expect.any(String),
      previous_secret_expires_at: null,
      ...k.pasteReady(t, key.api_key, rotated.api_secret),
    });
    expect(rotated.api_secret).not.toBe(key.auth[1]);
    expect(await statuses(key.api_key, [rotated.api_secret, key.auth[1]])).toEqual([200, 401]);
  });

  eachKind('%s key: with grace_seconds, the old secret works until the grace period ends, then only the new one', async (_, k) => {
    const key = await newKey(k, t);
    const before = Date.now();
    const rotated = await ok(rotate(k, t, key.api_key, { grace_seconds: 2 }));
    const after = Date.now();
    const graceEnds = Date.parse(rotated.previous_secret_expires_at);
    expect(graceEnds).toBeGreaterThanOrEqual(Math.floor((before + 2 * SECOND) / SECOND) * SECOND);
    expect(graceEnds).toBeLessThanOrEqual(after + 2 * SECOND);
    expect(await listed(k, t, key.api_key)).toMatchObject({ previous_secret_expires_at: rotated.previous_secret_expires_at });
    expect(await statuses(key.api_key, [rotated.api_secret, key.auth[1]])).toEqual([200, 200]);

    await sleep(after + 2 * SECOND - Date.now() + 100);
    expect(await statuses(key.api_key, [rotated.api_secret, key.auth[1]])).toEqual([200, 401]);
    expect(await listed(k, t, key.api_key)).toMatchObject({ previous_secret_expires_at: null });
  });

  eachKind('%s key: rotating again during a grace period ends the older secret at once', async (_, k) => {
    const key = await newKey(k, t);
    const first = await ok(rotate(k, t, key.api_key, { grace_seconds: 600 }));
    const second = await ok(rotate(k, t, key.api_key, new Form('grace_seconds=600')));
    expect(await statuses(key.api_key, [key.auth[1], first.api_secret, second.api_secret])).toEqual([401, 200, 200]);
    const third = await ok(rotate(k, t, key.api_key, { grace_seconds: 0 }));
    expect(await statuses(key.api_key, [first.api_secret, second.api_secret, third.api_secret])).toEqual([401, 401, 200]);
  });

  eachKind("%s key: grace_seconds 0 to 604800 (a week), never past the key's own expires_at", async (_, k) => {
    const lasting = await newKey(k, t);
    const week = Date.parse((await ok(rotate(k, t, lasting.api_key, { grace_seconds: 604800 }))).previous_secret_expires_at);
    expect(Math.abs(week - (Date.now() + 7 * DAY))).toBeLessThan(60 * SECOND);

    const expiresAt = isoIn(60 * SECOND);
    const expiring = await newKey(k, t, { expires_at: expiresAt });
    expect(await ok(rotate(k, t, expiring.api_key, { grace_seconds: 604800 }))).toMatchObject({
      expires_at: expiresAt,
      previous_secret_expires_at: expiresAt,
    });
  });

  eachKind('%s key: a disabled key rotates and stays disabled; an expired one stays expired', async (_, k) => {
    const disabled = await newKey(k, t, { enabled: false });
    const rotated = await ok(rotate(k, t, disabled.api_key));
    expect(rotated).toMatchObject({ enabled: false });
    expect(await authStatus([disabled.api_key, rotated.api_secret])).toBe(401);
    await ok(update(k, t, disabled.api_key, { enabled: true }));
    expect(await statuses(disabled.api_key, [rotated.api_secret, disabled.auth[1]])).toEqual([200, 401]);

    const expired = await newKey(k, t);
    await expireNow(expired.api_key);
    const renewed = await ok(rotate(k, t, expired.api_key, { grace_seconds: 600 }));
    // The grace period would end after the key's expiry, so there is none.
    expect(renewed).toMatchObject({ previous_secret_expires_at: null, expires_at: expect.any(String) });
    expect(Date.parse(renewed.expires_at)).toBeLessThan(Date.now());
    expect(await statuses(expired.api_key, [renewed.api_secret, expired.auth[1]])).toEqual([401, 401]);
  });

  test.each(KINDS.flatMap((k) => [-1, 604801, 'abc', 1.5].map((value) => [k.kind, value, k] as const)))(
    '%s key: grace_seconds %p is 400 and changes nothing',
    async (_, value, k) => {
      const key = await newKey(k, t);
      await expectUnchanged(
        () => listed(k, t, key.api_key),
        async () =>
          expectErrorMessage(
            await rotate(k, t, key.api_key, { grace_seconds: value }),
            400,
            expect.stringMatching(/^grace_seconds must be/),
          ),
      );
      expect(await authStatus(key.auth)).toBe(200);
    },
  );

  eachKind('%s key: the new secret never appears in a later response, nor in the audit log', async (_, k) => {
    const key = await newKey(k, t);
    const rotated = await ok(rotate(k, t, key.api_key, { grace_seconds: 600 }));
    const later = [
      await listText(k, t),
      JSON.stringify(await ok(update(k, t, key.api_key, { description: 'after rotation' }))),
      JSON.stringify(await auditEvents(t, '')),
    ];
    for (const text of later) {
      expect(text).not.toContain(rotated.api_secret);
      expect(text).not.toContain(key.auth[1]);
    }
  });

  eachKind('%s key: the rotation is audited, with the key as its target', async (_, k) => {
    const key = await newKey(k, t);
    await ok(rotate(k, t, key.api_key));
    expect(await auditEvents(t, `&action=provisioning:${k.family}.rotate&target=${key.api_key}`)).toEqual([
      expect.objectContaining({
        actor: { api_key: t.account.api_key, kind: 'account', user_id: null },
        target: { type: 'key', id: key.api_key },
        outcome: 'success',
        status: 200,
      }),
    ]);
  });
});

describe('who may rotate', () => {
  let t: Tenant;
  /** An account key that may do everything but rotate keys. */
  let noRotate: Credentials;
  beforeAll(async () => {
    t = await newTenant('Rotation rights');
    const key = await newKey(ACCOUNT, t);
    const rules = [allow('*'), deny(...KINDS.map((k) => `provisioning:${k.family}.rotate`))];
    await ok(call('put', `${keyPath(ACCOUNT, t, key.api_key)}/permissions`, t.account.auth, { rules }));
    noRotate = key.auth;
  });

  eachKind('%s key: 401 without credentials or with a wrong secret, and the key keeps its secret', async (_, k) => {
    const key = await newKey(k, t);
    expectUnauthorized(await rotate(k, t, key.api_key, {}, null));
    expectUnauthorized(await rotate(k, t, key.api_key, {}, [t.account.api_key, key.auth[1]]));
    expect(await authStatus(key.auth)).toBe(200);
  });

  eachKind("%s key: 401 with another account's key", async (_, k) => {
    const key = await newKey(k, t);
    expectUnauthorized(await rotate(k, t, key.api_key, {}, other.auth));
    expect(await authStatus(key.auth)).toBe(200);
  });

  eachKind('%s key: 403 for a key without the rotate action, which may still update it', async (_, k) => {
    // A user key's user must hold no more than the caller (a technical_admin rotates environment keys, which noRotate may not).
    const owner: Tenant = k === USER ? { ...t, userId: await newUser(t.account, 'reports') } : t;
    const key = await newKey(k, owner);
    expectErrorMessage(await rotate(k, owner, key.api_key, {}, noRotate), 403, `Not allowed: provisioning:${k.family}.rotate`);
    expect(await authStatus(key.auth)).toBe(200);
    expect((await call('put', keyPath(k, owner, key.api_key), noRotate, { description: 'updated' })).status).toBe(200);
  });

  eachKind('%s key: 404 for an unknown api_key, or a key of another kind or place', async (_, k) => {
    expectErrorMessage(await rotate(k, t, UNKNOWN_KEY), 404);
    const elsewhere = k === ACCOUNT ? (await newKey(ENVIRONMENT, t)).api_key : t.account.api_key;
    expectErrorMessage(await rotate(k, t, elsewhere), 404);
  });

  test('a user rotates its own key with the key itself, without the action; a key of another user may not', async () => {
    const own: Tenant = { ...t, userId: await newUser(t.account, 'media_library_user') };
    const someone: Tenant = { ...t, userId: await newUser(t.account, 'media_library_user') };
    const key = await newKey(USER, own);
    const rotated = await ok(rotate(USER, own, key.api_key, {}, key.auth));
    expect(await authStatus([key.api_key, rotated.api_secret])).toBe(200);
    const theirs = await newKey(USER, someone);
    expectErrorMessage(await rotate(USER, own, key.api_key, {}, theirs.auth), 403, 'Not allowed: provisioning:user_api_keys.rotate');
  });

  test('a technical_admin rotates environment keys, not account keys', async () => {
    const admin = await newKey(USER, t);
    const envKey = await newKey(ENVIRONMENT, t);
    expect((await rotate(ENVIRONMENT, t, envKey.api_key, {}, admin.auth)).status).toBe(200);
    const accountKey = await newKey(ACCOUNT, t);
    expectErrorMessage(
      await rotate(ACCOUNT, t, accountKey.api_key, {}, admin.auth),
      403,
      'Not allowed: provisioning:account_api_keys.rotate',
    );
  });
});

describe('concurrent rotations', () => {
  let t: Tenant;
  beforeAll(async () => (t = await newTenant('Concurrency')));
  const parallelRotations = (k: Kind, apiKey: string, graceSeconds: number) =>
    Promise.all(Array.from({ length: 10 }, () => rotate(k, t, apiKey, { grace_seconds: graceSeconds })));

  eachKind('%s key: 10 in parallel without grace leave exactly one of their secrets working', async (_, k) => {
    const key = await newKey(k, t);
    const answers = await parallelRotations(k, key.api_key, 0);
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const secrets: string[] = answers.map((r) => r.body.api_secret);
    expect(new Set(secrets).size).toBe(10);
    const works = await statuses(key.api_key, secrets);
    expect(works.filter((s) => s === 200)).toHaveLength(1);
    expect(await authStatus(key.auth)).toBe(401);
  });

  eachKind(
    '%s key: 10 in parallel with grace leave exactly two of their secrets working: the last and the one it replaced',
    async (_, k) => {
      const key = await newKey(k, t);
      const answers = await parallelRotations(k, key.api_key, 600);
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
      const works = await statuses(
        key.api_key,
        answers.map((r) => r.body.api_secret),
      );
      expect(works.filter((s) => s === 200)).toHaveLength(2);
      expect(await authStatus(key.auth)).toBe(401);
    },
  );

  // Account API keys are never deleted (405).
  test.each([ENVIRONMENT, USER].map((k) => [k.kind, k] as const))(
    '%s key: rotations in parallel with its deletion answer 200 or 404; then the key is gone and no secret works',
    async (_, k) => {
      const key = await newKey(k, t);
      const rotations = () => Array.from({ length: 5 }, () => rotate(k, t, key.api_key, { grace_seconds: 600 }));
      const answers = await Promise.all([...rotations(), call('delete', keyPath(k, t, key.api_key), t.account.auth), ...rotations()]);
      const deletion = answers[5]!;
      expect(deletion.status).toBe(200);
      expect(answers.filter((r) => r.status !== 200 && r.status !== 404).map((r) => ({ status: r.status, body: r.body }))).toEqual([]);

      expect(await listed(k, t, key.api_key)).toBeUndefined();
      expectErrorMessage(await rotate(k, t, key.api_key), 404);
      const secrets = [key.auth[1], ...answers.filter((r) => r !== deletion && r.status === 200).map((r) => r.body.api_secret as string)];
      expect(await statuses(key.api_key, secrets)).toEqual(Array(secrets.length).fill(401));
    },
  );
});

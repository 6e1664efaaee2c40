import type { Test } from 'supertest';
import {
  expectError,
  expectUnchanged as expectSame,
  INVALID_CREDENTIALS,
  issuedKeyFields,
  ISO_SECONDS,
  KEY_SETTING_DEFAULTS,
  LISTED_KEY_FIELDS as LISTED_FIELDS,
  rootKeyListing,
  startServer,
  TestAccount,
  TestServer,
  uniqueCloudName,
} from './support/harness.js';

// Environment access keys: /v1_1/provisioning/accounts/:account_id/sub_accounts/:sub_account_id/access_keys

interface Key {
  name: string;
  api_key: string;
  api_secret?: string;
  created_at: string;
  updated_at: string;
  enabled: boolean;
  dedicated_for?: string[];
  root: boolean;
  description: string | null;
  api_environment_variable?: string;
}

interface KeyList {
  access_keys: Key[];
  total: number;
}

interface Env {
  id: string;
  cloudName: string;
  /** `.../sub_accounts/<id>/access_keys` under the owning account */
  path: string;
  /** The key made with the environment, and its secret. */
  rootKey: string;
  rootSecret: string;
}

type Method = 'get' | 'post' | 'put' | 'delete';
type Credentials = [string, string] | null;

const GENERATED_FIELDS = issuedKeyFields('api_environment_variable');
/** A dedicated key shows its purpose after enabled. */
const DEDICATED_FIELDS = LISTED_FIELDS.flatMap((field) => (field === 'enabled' ? [field, 'dedicated_for'] : [field]));
const ENV_SECRET = /^cstle_[0-9A-Za-z]{38}$/;
const UNKNOWN_ID = '0123456789abcdef0123456789abcdef';

let server: TestServer;
let a: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Access keys owner');
  other = await server.newAccount('Another account');
});
afterAll(() => server.close());

/** A request as `as` (the main account's root key unless told; null sends no credentials). */
function call(method: Method, path: string, as: Credentials = a.auth): Test {
  const req = server.http()[method](path);
  return as ? req.auth(...as) : req;
}

async function newEnvironment(owner: TestAccount = a): Promise<Env> {
  const res = await call('post', `${owner.base}/sub_accounts`, owner.auth).send({ name: 'Keys env', cloud_name: uniqueCloudName('ak') });
  expect(res.ok).toBe(true);
  const [first] = res.body.api_access_keys as Array<{ key: string; secret: string }>;
  return {
    id: res.body.id,
    cloudName: res.body.cloud_name,
    path: `${owner.base}/sub_accounts/${res.body.id}/access_keys`,
    rootKey: first!.key,
    rootSecret: first!.secret,
  };
}

async function list(env: Env, query = '', as: Credentials = a.auth): Promise<KeyList> {
  const res = await call('get', `${env.path}${query}`, as);
  expect(res.status).toBe(200);
  expect(res.type).toBe('application/json');
  return res.body;
}

/** Setup only: the tests of POST itself check its exact status. */
async function generate(env: Env, body: object | string = {}, as: Credentials = a.auth): Promise<Key> {
  const res = await call('post', env.path, as).send(body);
  expect(res.ok).toBe(true);
  return res.body;
}

const names = (keys: Key[]) => keys.map((k) => k.name);
const entry = async (env: Env, apiKey: string) => (await list(env)).access_keys.find((k) => k.api_key === apiKey);
const withoutSecret = (k: Key) => Object.fromEntries(Object.entries(k).filter(([field]) => LISTED_FIELDS.includes(field)));

/**
 * What an environment key's credentials can do on a provisioning route: a working key is refused with 403
 * (environment keys do not manage accounts), an unknown, disabled or deleted one with 401.
 */
const probe = async (apiKey: string, secret: string) => (await server.http().get(a.base).auth(apiKey, secret)).status;

/** Runs invalid or refused requests and proves the environment's keys did not change. */
const expectUnchanged = (env: Env, attempt: () => Promise<void>, as: Credentials = a.auth) => expectSame(() => list(env, '', as), attempt);

describe('key objects', () => {
  test('a new environment has one key, its Root key', async () => {
    const env = await newEnvironment();
    const { access_keys, total } = await list(env);
    expect(total).toBe(1);
    expect(access_keys).toHaveLength(1);
    const [root] = access_keys as [Key];
    expect(Object.keys(root)).toEqual(LISTED_FIELDS);
    expect(root).toEqual(rootKeyListing(env.rootKey));
    expect(root.api_key).toMatch(/^\d{15}$/);
  });

  test('a generated key shows its secret and CLOUDINARY_URL, with defaults for what was not given', async () => {
    const env = await newEnvironment();
    const key = await generate(env);
    expect(Object.keys(key)).toEqual(GENERATED_FIELDS);
    expect(key).toEqual({
      name: `key_${key.api_key}`,
      api_key: expect.stringMatching(/^\d{15}$/),
      api_secret: expect.stringMatching(ENV_SECRET),
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: key.created_at,
      enabled: true,
      root: false,
      description: null,
      last_used_at: null,
      last_used_ip: null,
      ...KEY_SETTING_DEFAULTS,
      api_environment_variable: `cloudinary://${key.api_key}:${key.api_secret}@${env.cloudName}`,
    });
    const listed = await entry(env, key.api_key);
    expect(Object.keys(listed!)).toEqual(LISTED_FIELDS);
    expect(listed).toEqual(withoutSecret(key));
    expect((await list(env)).total).toBe(2);
    // A real credential: known to authentication, refused only for what it may do.
    expect(await probe(key.api_key, key.api_secret!)).toBe(403);
  });

  test.each([
    ['JSON', { name: 'given-name', description: 'given description', enabled: false }],
    ['a form', 'name=given-name&description=given+description&enabled=false'],
  ])('generating from %s body keeps name, description and enabled:false', async (_, body) => {
    const env = await newEnvironment();
    const key = await generate(env, body);
    expect(key).toMatchObject({ name: 'given-name', description: 'given description', enabled: false, root: false });
    expect(await entry(env, key.api_key)).toEqual(withoutSecret(key));
    expect(await probe(key.api_key, key.api_secret!)).toBe(401);
  });

  test.each([
    ['JSON', { name: 'status-json' }],
    ['a form', 'name=status-form'],
  ])('generating from %s body answers HTTP 200 with JSON, like every success', async (_, body) => {
    const env = await newEnvironment();
    const res = await call('post', env.path).send(body);
    expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'application/json' });
  });

  test('the secret is in the generating response only', async () => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'secretive' });
    const updated = await call('put', `${env.path}/${key.api_key}`).send({ description: 'after' });
    expect(updated.status).toBe(200);
    const later = [updated.body, await list(env), await list(env, '?sort_by=name&sort_order=asc')];
    const environment = await call('get', `${a.base}/sub_accounts/${env.id}`);
    for (const body of [...later, environment.body]) expect(JSON.stringify(body)).not.toContain(key.api_secret);
    expect(Object.keys(updated.body)).toEqual(LISTED_FIELDS);
  });
});

describe('GET access_keys', () => {
  let env: Env;
  let all: Key[];

  beforeAll(async () => {
    env = await newEnvironment();
    for (const name of ['Charlie', 'Alpha', 'Delta', 'Bravo']) await generate(env, { name, enabled: name !== 'Delta' });
    ({ access_keys: all } = await list(env));
  });

  test('lists every key of the environment, newest first by default', async () => {
    expect(all).toHaveLength(5);
    expect(names(all).sort()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Root']);
    expect(await list(env, '?sort_by=created_at&sort_order=desc')).toEqual({ access_keys: all, total: 5 });
    const created = all.map((k) => k.created_at);
    expect(created).toEqual([...created].sort().reverse());
    expect((await list(env, '?sort_by=created_at&sort_order=asc')).access_keys).toEqual([...all].reverse());
    for (const key of all) expect(Object.keys(key)).toEqual(LISTED_FIELDS);
  });

  test('pages do not overlap and total counts the whole environment', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => list(env, `?page_size=2&page=${page}`)));
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
    expect(pages.map((p) => p.access_keys.length)).toEqual([2, 2, 1]);
    const keys = pages.flatMap((p) => p.access_keys.map((k) => k.api_key));
    expect(new Set(keys).size).toBe(5);
    expect(keys).toEqual(all.map((k) => k.api_key));
    expect(await list(env, '?page=4&page_size=2')).toEqual({ access_keys: [], total: 5 });
  });

  test.each([
    ['asc', ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Root']],
    ['desc', ['Root', 'Delta', 'Charlie', 'Bravo', 'Alpha']],
  ])('sorts by name %s', async (order, expected) => {
    expect(names((await list(env, `?sort_by=name&sort_order=${order}`)).access_keys)).toEqual(expected);
  });

  test('sorts by api_key and by enabled', async () => {
    const byKey = (await list(env, '?sort_by=api_key&sort_order=asc')).access_keys.map((k) => k.api_key);
    expect(byKey).toEqual(all.map((k) => k.api_key).sort());
    const byEnabled = (await list(env, '?sort_by=enabled&sort_order=asc')).access_keys;
    expect(byEnabled.map((k) => k.enabled)).toEqual([false, true, true, true, true]);
    expect(byEnabled[0]!.name).toBe('Delta');
  });

  test('the largest page size is accepted', async () => {
    expect(await list(env, '?page_size=1000&page=1')).toEqual({ access_keys: all, total: 5 });
  });

  test.each(['page_size=0', 'page_size=1001', 'page_size=abc', 'page=0', 'page=abc', 'sort_by=foo', 'sort_order=up'])(
    '?%s is refused with 400',
    async (query) => {
      expectError(await call('get', `${env.path}?${query}`), 400);
    },
  );

  test('a page holds 100 keys unless told otherwise', async () => {
    const big = await newEnvironment();
    for (let i = 0; i < 100; i++) await generate(big, { name: `bulk-${String(i).padStart(3, '0')}` });
    const first = await list(big);
    expect(first.total).toBe(101);
    expect(first.access_keys).toHaveLength(100);
    const second = await list(big, '?page=2');
    expect(second.access_keys).toHaveLength(1);
    expect(first.access_keys.map((k) => k.api_key)).not.toContain(second.access_keys[0]!.api_key);
  });
});

describe('POST access_keys', () => {
  test('a duplicate name is refused with 409 and no key is made', async () => {
    const env = await newEnvironment();
    await generate(env, { name: 'taken' });
    await expectUnchanged(env, async () => {
      expectError(await call('post', env.path).send({ name: 'taken' }), 409);
      expectError(await call('post', env.path).send({ name: 'Root' }), 409);
      expectError(await call('post', env.path).send({ name: '  taken  ' }), 409);
      // Names are compared ignoring case, on SQLite as on MySQL.
      expectError(await call('post', env.path).send({ name: 'TAKEN' }), 409);
      expectError(await call('post', env.path).send({ name: 'root' }), 409);
      expectError(await call('post', env.path).type('form').send('name=taken'), 409);
    });
  });

  test('two concurrent requests for one name make one key', async () => {
    const env = await newEnvironment();
    const results = await Promise.all([1, 2].map(() => call('post', env.path).send({ name: 'raced' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expectError(
      results.find((r) => !r.ok)!,
      409,
    );
    expect(names((await list(env)).access_keys).filter((n) => n === 'raced')).toHaveLength(1);
  });

  test('the longest name and description are accepted', async () => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'n'.repeat(255), description: 'd'.repeat(1000) });
    expect(await entry(env, key.api_key)).toMatchObject({ name: 'n'.repeat(255), description: 'd'.repeat(1000) });
  });

  test('a blank name never makes a nameless key', async () => {
    const env = await newEnvironment();
    const res = await call('post', env.path).send({ name: '   ' });
    // A blank name is "not given", like "": the key gets the default name.
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(`key_${res.body.api_key}`);
    expect(names((await list(env)).access_keys)).not.toContain('');
  });

  test('the same name is free in another environment', async () => {
    const [e1, e2] = [await newEnvironment(), await newEnvironment()];
    await generate(e1, { name: 'shared-name' });
    expect((await generate(e2, { name: 'shared-name' })).name).toBe('shared-name');
  });

  test.each([
    ['name too long', { name: 'n'.repeat(256) }],
    ['name not a string', { name: 42 }],
    ['description too long', { description: 'd'.repeat(1001) }],
    ['enabled not a boolean', { enabled: 'maybe' }],
    ['malformed JSON', '{"name": '],
  ])('%s → 400, no key made', async (_, body) => {
    const env = await newEnvironment();
    await expectUnchanged(env, async () => {
      expectError(await call('post', env.path).type('json').send(body), 400);
    });
  });
});

describe('PUT access_keys/:api_key', () => {
  test('changes name, description and enabled, and nothing else', async () => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'before', description: 'old' });
    const res = await call('put', `${env.path}/${key.api_key}`).send({ name: 'after', description: 'new', enabled: false });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(LISTED_FIELDS);
    expect(res.body).toEqual({
      ...withoutSecret(key),
      name: 'after',
      description: 'new',
      enabled: false,
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(res.body.updated_at >= key.created_at).toBe(true);
    expect(await entry(env, key.api_key)).toEqual(res.body);
  });

  test('fields left out keep their values', async () => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'keeps', description: 'kept', enabled: false });
    const res = await call('put', `${env.path}/${key.api_key}`).type('form').send('description=changed');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'keeps', description: 'changed', enabled: false });
    expect(await entry(env, key.api_key)).toEqual(res.body);
  });

  test('disabling a key stops it authenticating; enabling it again restores it', async () => {
    const env = await newEnvironment();
    const key = await generate(env);
    const path = `${env.path}/${key.api_key}`;
    expect(await probe(key.api_key, key.api_secret!)).toBe(403);
    expect((await call('put', path).send({ enabled: false })).status).toBe(200);
    expect(await probe(key.api_key, key.api_secret!)).toBe(401);
    expect((await call('put', path).type('form').send('enabled=true')).status).toBe(200);
    expect(await probe(key.api_key, key.api_secret!)).toBe(403);
  });

  test("a key may keep its own name; another key's name is refused with 409", async () => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'mine' });
    await generate(env, { name: 'yours' });
    expect((await call('put', `${env.path}/${key.api_key}`).send({ name: 'mine' })).status).toBe(200);
    await expectUnchanged(env, async () => {
      expectError(await call('put', `${env.path}/${key.api_key}`).send({ name: 'yours', description: 'not applied' }), 409);
      expectError(await call('put', `${env.path}/${key.api_key}`).send({ name: 'Root' }), 409);
    });
  });

  test('a blank name leaves the name as it was', async () => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'named' });
    const res = await call('put', `${env.path}/${key.api_key}`).send({ name: '   ' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('named');
    expect((await entry(env, key.api_key))!.name).toBe('named');
  });

  test('two concurrent dedications leave exactly one holder', async () => {
    const env = await newEnvironment();
    const keys = [await generate(env), await generate(env)];
    const results = await Promise.all(keys.map((k) => call('put', `${env.path}/${k.api_key}`).send({ dedicated_for: 'webhooks' })));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await list(env)).access_keys.filter((k) => k.dedicated_for)).toHaveLength(1);
  });

  test('dedicated_for webhooks is held by one key of the environment at a time', async () => {
    const env = await newEnvironment();
    const [keyA, keyB] = [await generate(env, { name: 'A' }), await generate(env, { name: 'B' })];
    const elsewhere = await newEnvironment();
    const outsider = await generate(elsewhere, { name: 'outsider' });
    const dedicate = (e: Env, k: Key) => call('put', `${e.path}/${k.api_key}`).send({ dedicated_for: 'webhooks' });

    expect((await dedicate(elsewhere, outsider)).status).toBe(200);
    const resA = await dedicate(env, keyA);
    expect(resA.status).toBe(200);
    expect(resA.body.dedicated_for).toEqual(['webhooks']);
    expect(Object.keys(resA.body)).toEqual(DEDICATED_FIELDS);
    expect(Object.keys((await entry(env, keyA.api_key))!)).toEqual(DEDICATED_FIELDS);

    // Other changes leave the dedication in place.
    const renamed = await call('put', `${env.path}/${keyA.api_key}`).send({ description: 'webhook signer' });
    expect(renamed.body.dedicated_for).toEqual(['webhooks']);

    const resB = await dedicate(env, keyB);
    expect(resB.status).toBe(200);
    expect(resB.body.dedicated_for).toEqual(['webhooks']);
    const formerHolder = await entry(env, keyA.api_key);
    expect(formerHolder).not.toHaveProperty('dedicated_for');
    expect(Object.keys(formerHolder!)).toEqual(LISTED_FIELDS);
    const holders = (await list(env)).access_keys.filter((k) => k.dedicated_for);
    expect(holders.map((k) => k.api_key)).toEqual([keyB.api_key]);
    // Another environment's holder is not touched.
    expect((await entry(elsewhere, outsider.api_key))!.dedicated_for).toEqual(['webhooks']);
  });

  test.each([
    ['dedicated_for not a purpose', { dedicated_for: 'email' }],
    ['name too long', { name: 'n'.repeat(256) }],
    ['name not a string', { name: 42 }],
    ['description too long', { description: 'd'.repeat(1001) }],
    ['enabled not a boolean', { enabled: 'maybe' }],
    ['a valid field beside an invalid one', { description: 'not applied', dedicated_for: 'email' }],
    ['malformed JSON', '{"enabled": fals'],
  ])('%s → 400, key unchanged', async (_, body) => {
    const env = await newEnvironment();
    const key = await generate(env, { name: 'stable' });
    await expectUnchanged(env, async () => {
      expectError(await call('put', `${env.path}/${key.api_key}`).type('json').send(body), 400);
    });
  });
});

describe('DELETE access_keys', () => {
  test('by api_key: ok, then 404, and the key stops authenticating', async () => {
    const env = await newEnvironment();
    const key = await generate(env);
    const res = await call('delete', `${env.path}/${key.api_key}`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(Object.keys(res.body)).toEqual(['message']);
    expect(res.body).toEqual({ message: 'ok' });
    expect(await entry(env, key.api_key)).toBeUndefined();
    expect((await list(env)).total).toBe(1);
    expect(await probe(key.api_key, key.api_secret!)).toBe(401);
    expectError(await call('delete', `${env.path}/${key.api_key}`), 404);
  });

  test.each([
    ['the query string', (path: string) => call('delete', `${path}?name=doomed`)],
    ['a form body', (path: string) => call('delete', path).type('form').send('name=doomed')],
    ['a JSON body', (path: string) => call('delete', path).send({ name: 'doomed' })],
  ])('by name from %s', async (_, send) => {
    const env = await newEnvironment();
    const doomed = await generate(env, { name: 'doomed' });
    const kept = await generate(env, { name: 'kept' });
    const res = await send(env.path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'ok' });
    expect(names((await list(env)).access_keys).sort()).toEqual(['Root', 'kept']);
    expect(await probe(doomed.api_key, doomed.api_secret!)).toBe(401);
    expect(await probe(kept.api_key, kept.api_secret!)).toBe(403);
    expectError(await send(env.path), 404);
  });

  test.each([
    ['no name at all', (path: string) => call('delete', path)],
    ['an empty query name', (path: string) => call('delete', `${path}?name=`)],
    ['an empty JSON body', (path: string) => call('delete', path).send({})],
    ['an empty form name', (path: string) => call('delete', path).type('form').send('name=')],
    ['a name that is not a string', (path: string) => call('delete', path).send({ name: 42 })],
  ])('by name with %s → 400, nothing deleted', async (_, send) => {
    const env = await newEnvironment();
    await generate(env, { name: 'survivor' });
    await expectUnchanged(env, async () => expectError(await send(env.path), 400));
  });

  test('a name with spaces and symbols, URL-encoded in the query string', async () => {
    const env = await newEnvironment();
    const name = 'team key #1 & co/?';
    await generate(env, { name });
    const res = await call('delete', `${env.path}?name=${encodeURIComponent(name)}`);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { message: 'ok' } });
    expect(names((await list(env)).access_keys)).toEqual(['Root']);
  });

  test('by an unknown name → 404, nothing deleted', async () => {
    const env = await newEnvironment();
    await generate(env, { name: 'survivor' });
    await expectUnchanged(env, async () => expectError(await call('delete', `${env.path}?name=nobody`), 404));
  });
});

/** Every access-key route, aimed at `target` under `path` (an access_keys collection path), with the action it needs. */
const ENDPOINTS: Array<[string, string, (path: string, target: Key, as: Credentials) => Test]> = [
  ['GET list', 'read', (path, _, as) => call('get', path, as)],
  ['POST generate', 'create', (path, _, as) => call('post', path, as).send({ name: 'intruder' })],
  [
    'PUT update',
    'update',
    (path, target, as) => call('put', `${path}/${target.api_key}`, as).send({ description: 'intruded', enabled: false }),
  ],
  ['DELETE by api_key', 'delete', (path, target, as) => call('delete', `${path}/${target.api_key}`, as)],
  ['DELETE by name', 'delete', (path, target, as) => call('delete', `${path}?name=${target.name}`, as)],
];

describe('authentication', () => {
  let env: Env;
  let target: Key;
  beforeAll(async () => {
    env = await newEnvironment();
    target = await generate(env, { name: 'target' });
  });

  const refused: Array<[string, string, () => Credentials]> = ENDPOINTS.flatMap(([label]) => [
    [label, 'no credentials', () => null],
    [label, 'a valid key of another account', () => other.auth],
  ]);
  test.each(refused)('%s with %s → 401 with the Basic challenge', async (label, _, credentials) => {
    const [, , send] = ENDPOINTS.find(([l]) => l === label)!;
    await expectUnchanged(env, async () => {
      const res = await send(env.path, target, credentials());
      expectError(res, 401, INVALID_CREDENTIALS);
      expect(res.headers['www-authenticate']).toBe('Basic realm="castellan"');
    });
  });

  test.each(ENDPOINTS)('%s with an environment key of the account → 403', async (_, action, send) => {
    await expectUnchanged(env, async () => {
      const res = await send(env.path, target, [env.rootKey, env.rootSecret]);
      expectError(res, 403, { error: { message: `Not allowed: provisioning:access_keys.${action}` } });
    });
  });
});

describe('records that are not there', () => {
  test.each(ENDPOINTS)('%s under an unknown environment → 404', async (_, __, send) => {
    const env = await newEnvironment();
    const target = await generate(env, { name: 'real' });
    await expectUnchanged(env, async () => {
      expectError(await send(`${a.base}/sub_accounts/${UNKNOWN_ID}/access_keys`, target, a.auth), 404);
    });
  });

  test.each(ENDPOINTS)("%s under another account's environment, on this account's path → 404", async (_, __, send) => {
    const theirs = await newEnvironment(other);
    const target = (await list(theirs, '', other.auth)).access_keys[0]!;
    await expectUnchanged(
      theirs,
      async () => expectError(await send(`${a.base}/sub_accounts/${theirs.id}/access_keys`, target, a.auth), 404),
      other.auth,
    );
  });

  test.each(ENDPOINTS.slice(2))('%s of a key that does not exist → 404', async (_, __, send) => {
    const env = await newEnvironment();
    const ghost: Key = { ...(await list(env)).access_keys[0]!, api_key: '999999999999999', name: 'ghost' };
    await expectUnchanged(env, async () => expectError(await send(env.path, ghost, a.auth), 404));
  });

  test.each(ENDPOINTS.slice(2))("%s of another environment's key, through this environment → 404", async (_, __, send) => {
    const [e1, e2] = [await newEnvironment(), await newEnvironment()];
    const target = await generate(e1, { name: 'lives-in-e1' });
    await expectUnchanged(e1, () => expectUnchanged(e2, async () => expectError(await send(e2.path, target, a.auth), 404)));
  });

  test.each(ENDPOINTS.slice(2))("%s of another account's key, through this account's environment → 404", async (_, __, send) => {
    const [mine, theirs] = [await newEnvironment(), await newEnvironment(other)];
    const target = await generate(theirs, { name: 'theirs-only' }, other.auth);
    await expectUnchanged(theirs, async () => expectError(await send(mine.path, target, a.auth), 404), other.auth);
  });
});

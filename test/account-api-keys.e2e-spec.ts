import type { Test } from 'supertest';
import {
  ERROR_BODY,
  expectError as expectFailure,
  expectUnchanged,
  INVALID_CREDENTIALS as BAD_CREDENTIALS,
  ISO_SECONDS as TIMESTAMP,
  issuedKeyFields,
  KEY_SETTING_DEFAULTS,
  LISTED_KEY_FIELDS as SHOWN_FIELDS,
  rootKeyListing,
  startServer,
  TestAccount,
  TestServer,
  uniqueCloudName,
} from './support/harness.js';

// Account API keys: /v1_1/provisioning/accounts/:account_id/account_api_keys. They manage the account, can be
// disabled but never deleted, and one of them always stays enabled.

interface AccountKey {
  name: string;
  api_key: string;
  api_secret?: string;
  created_at: string;
  updated_at: string;
  enabled: boolean;
  root: boolean;
  description: string | null;
  account_url?: string;
}

type Credentials = [string, string];
type Verb = 'get' | 'post' | 'put' | 'delete';

const WITH_SECRET_FIELDS = issuedKeyFields('account_url');
const ACCOUNT_SECRET = /^cstla_[0-9A-Za-z]{38}$/;

let server: TestServer;
let other: TestAccount;

beforeAll(async () => {
  server = await startServer();
  other = await server.newAccount('Someone else');
});
afterAll(() => server.close());

/** A request on `owner`'s account API keys, as `as` (owner's root key unless told; null: no credentials). */
function request(verb: Verb, owner: TestAccount, suffix = '', as: Credentials | null = owner.auth): Test {
  const req = server.http()[verb](`${owner.base}/account_api_keys${suffix}`);
  return as ? req.auth(...as) : req;
}

async function keysOf(
  owner: TestAccount,
  query = '',
  as: Credentials = owner.auth,
): Promise<{ account_api_keys: AccountKey[]; total: number }> {
  const res = await request('get', owner, query, as);
  expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'application/json' });
  return res.body;
}

/** Setup: a new key and its credentials (the tests of POST itself check the exact status). */
async function newKey(
  owner: TestAccount,
  body: object | string = {},
  as: Credentials = owner.auth,
): Promise<AccountKey & { auth: Credentials }> {
  const res = await request('post', owner, '', as).send(body);
  expect(res.ok).toBe(true);
  return { ...res.body, auth: [res.body.api_key, res.body.api_secret] };
}

const setEnabled = (owner: TestAccount, apiKey: string, enabled: boolean, as: Credentials = owner.auth) =>
  request('put', owner, `/${apiKey}`, as).send({ enabled });

/** 200 when the credentials may read the account, 401 when they are disabled or unknown. */
const readAccount = async (owner: TestAccount, as: Credentials) =>
  (
    await server
      .http()
      .get(owner.base)
      .auth(...as)
  ).status;

const keyNamed = async (owner: TestAccount, apiKey: string) => (await keysOf(owner)).account_api_keys.find((k) => k.api_key === apiKey);
const shown = (k: AccountKey) => Object.fromEntries(SHOWN_FIELDS.map((f) => [f, k[f as keyof AccountKey]]));

/**
 * Proves a refused request left the account's keys as they were. Each read records the last use of the key that
 * reads, and the recorder may write it between the two reads, so that key's last use is left out.
 */
const expectNoChange = (owner: TestAccount, attempt: () => Promise<void>, as: Credentials = owner.auth) =>
  expectUnchanged(async () => {
    const { account_api_keys: keys, total } = await keysOf(owner, '', as);
    return { total, keys: keys.map((k) => (k.api_key === as[0] ? { ...k, last_used_at: 'read', last_used_ip: 'read' } : k)) };
  }, attempt);

describe('key objects', () => {
  test('a new account has its Root key', async () => {
    const owner = await server.newAccount();
    const { account_api_keys: keys, total } = await keysOf(owner);
    expect(total).toBe(1);
    expect(keys.map((k) => Object.keys(k))).toEqual([SHOWN_FIELDS]);
    expect(keys[0]).toEqual(rootKeyListing(owner.api_key));
    expect(owner.api_key).toMatch(/^\d{15}$/);
  });

  test('a generated key shows its secret and account_url once, and works at once', async () => {
    const owner = await server.newAccount();
    const key = await newKey(owner);
    const { auth, ...body } = key;
    expect(Object.keys(body)).toEqual(WITH_SECRET_FIELDS);
    expect(body).toEqual({
      name: `key_${key.api_key}`,
      api_key: expect.stringMatching(/^\d{15}$/),
      api_secret: expect.stringMatching(ACCOUNT_SECRET),
      created_at: expect.stringMatching(TIMESTAMP),
      updated_at: key.created_at,
      enabled: true,
      root: false,
      description: null,
      last_used_at: null,
      last_used_ip: null,
      ...KEY_SETTING_DEFAULTS,
      account_url: `account://${key.api_key}:${key.api_secret}@${owner.account_id}`,
    });
    expect(await readAccount(owner, auth)).toBe(200);
    const listed = await keyNamed(owner, key.api_key);
    expect(Object.keys(listed!)).toEqual(SHOWN_FIELDS);
    expect(listed).toEqual(shown(key));
  });

  test.each([
    ['JSON', { name: 'ops', description: 'for the ops team', enabled: false }],
    ['a form', 'name=ops&description=for+the+ops+team&enabled=false'],
  ])('generating from %s keeps name, description and enabled:false; the disabled key is refused', async (_, body) => {
    const owner = await server.newAccount();
    const key = await newKey(owner, body);
    expect(key).toMatchObject({ name: 'ops', description: 'for the ops team', enabled: false, root: false });
    expect(await keyNamed(owner, key.api_key)).toEqual(shown(key));
    expect(await readAccount(owner, key.auth)).toBe(401);
  });

  test.each([
    ['JSON', {}],
    ['a form', 'description=x'],
  ])('generating from %s answers HTTP 200 with JSON, like every success', async (_, body) => {
    const owner = await server.newAccount();
    const res = await request('post', owner).send(body);
    expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'application/json' });
  });

  test('the secret appears in no later response', async () => {
    const owner = await server.newAccount();
    const key = await newKey(owner, { name: 'quiet' });
    const updated = await request('put', owner, `/${key.api_key}`).send({ description: 'renamed later' });
    expect(updated.status).toBe(200);
    expect(Object.keys(updated.body)).toEqual(SHOWN_FIELDS);
    for (const later of [updated.body, await keysOf(owner), await keysOf(owner, '?sort_by=api_key')]) {
      expect(JSON.stringify(later)).not.toContain(key.api_secret);
    }
  });
});

describe('GET account_api_keys', () => {
  let owner: TestAccount;

  beforeAll(async () => {
    owner = await server.newAccount();
    for (const name of ['Delta', 'Bravo', 'Charlie', 'Alpha']) await newKey(owner, { name, enabled: name !== 'Charlie' });
  });

  test.each([
    ['?sort_by=name&sort_order=asc', ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Root']],
    ['?sort_by=name&sort_order=desc', ['Root', 'Delta', 'Charlie', 'Bravo', 'Alpha']],
    ['?sort_by=name&sort_order=asc&page_size=2&page=2', ['Charlie', 'Delta']],
    ['?sort_by=name&page_size=2&page=3', ['Alpha']],
    ['?sort_by=enabled&sort_order=asc&page_size=1', ['Charlie']],
  ])('%s lists %j, with the total of the whole account', async (query, expected) => {
    const { account_api_keys: keys, total } = await keysOf(owner, query);
    expect(keys.map((k) => k.name)).toEqual(expected);
    expect(total).toBe(5);
  });

  test('by default, newest first; pages follow each other without overlap', async () => {
    const all = (await keysOf(owner)).account_api_keys;
    expect(all).toEqual((await keysOf(owner, '?sort_by=created_at&sort_order=desc')).account_api_keys);
    expect(all.map((k) => k.created_at)).toEqual(
      all
        .map((k) => k.created_at)
        .sort()
        .reverse(),
    );
    expect((await keysOf(owner, '?sort_order=asc&page_size=1000')).account_api_keys).toEqual([...all].reverse());
    const paged = [];
    for (const page of [1, 2, 3]) paged.push(...(await keysOf(owner, `?page_size=2&page=${page}`)).account_api_keys);
    expect(paged).toEqual(all);
    expect(await keysOf(owner, '?page_size=2&page=9')).toEqual({ account_api_keys: [], total: 5 });
    expect((await keysOf(owner, '?sort_by=api_key&sort_order=desc')).account_api_keys.map((k) => k.api_key)).toEqual(
      all
        .map((k) => k.api_key)
        .sort()
        .reverse(),
    );
  });

  test.each(['page_size=0', 'page_size=1001', 'page_size=abc', 'page=0', 'page=-1', 'sort_by=foo', 'sort_order=up'])(
    '?%s → 400',
    async (query) => {
      expectFailure(await request('get', owner, `?${query}`), 400);
    },
  );
});

describe('POST account_api_keys', () => {
  test('a name already used in the account → 409, no key made', async () => {
    const owner = await server.newAccount();
    await newKey(owner, { name: 'deploy' });
    await expectNoChange(owner, async () => {
      for (const body of [{ name: 'deploy' }, { name: 'Root' }, 'name=deploy']) expectFailure(await request('post', owner).send(body), 409);
    });
  });

  test.each([
    ['a name too long', { name: 'x'.repeat(256) }],
    ['a name that is not a string', { name: ['a', 'b'] }],
    ['a description too long', { description: 'x'.repeat(1001) }],
    ['enabled that is not a boolean', { enabled: 'sometimes' }],
    ['malformed JSON', '{"enabled":'],
  ])('%s → 400, no key made', async (_, body) => {
    const owner = await server.newAccount();
    await expectNoChange(owner, async () => expectFailure(await request('post', owner).type('json').send(body), 400));
  });
});

describe('PUT account_api_keys/:api_key', () => {
  test('changes name and description; the list shows the change', async () => {
    const owner = await server.newAccount();
    const key = await newKey(owner, { name: 'ci' });
    const res = await request('put', owner, `/${key.api_key}`).type('form').send('name=ci-renamed&description=builds');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(SHOWN_FIELDS);
    expect(res.body).toEqual({ ...shown(key), name: 'ci-renamed', description: 'builds', updated_at: expect.stringMatching(TIMESTAMP) });
    expect(await keyNamed(owner, key.api_key)).toEqual(res.body);
    expect(await readAccount(owner, key.auth)).toBe(200);
  });

  test("a key keeps its own name; another key's name → 409, unchanged", async () => {
    const owner = await server.newAccount();
    const key = await newKey(owner, { name: 'first' });
    expect((await request('put', owner, `/${key.api_key}`).send({ name: 'first' })).status).toBe(200);
    await expectNoChange(owner, async () => {
      expectFailure(await request('put', owner, `/${key.api_key}`).send({ name: 'Root', description: 'not applied' }), 409);
    });
  });

  test.each([
    ['a name too long', { name: 'x'.repeat(256) }],
    ['a name that is not a string', { name: 7 }],
    ['a description too long', { description: 'x'.repeat(1001) }],
    ['enabled that is not a boolean', { enabled: 'off' }],
    ['an invalid field beside a valid one', { name: 'fine', enabled: 'off' }],
    ['malformed JSON', '{"name" "x"}'],
  ])('%s → 400, unchanged', async (_, body) => {
    const owner = await server.newAccount();
    const key = await newKey(owner, { name: 'steady' });
    await expectNoChange(owner, async () => expectFailure(await request('put', owner, `/${key.api_key}`).type('json').send(body), 400));
  });

  test('a disabled key is refused on its next request, and another key can enable it again', async () => {
    const owner = await server.newAccount();
    const key = await newKey(owner);
    expect((await setEnabled(owner, key.api_key, false)).body.enabled).toBe(false);
    expect(await readAccount(owner, key.auth)).toBe(401);
    expectFailure(await request('get', owner, '', key.auth), 401, BAD_CREDENTIALS);
    const enabled = await setEnabled(owner, key.api_key, true);
    expect({ status: enabled.status, enabled: enabled.body.enabled }).toEqual({ status: 200, enabled: true });
    expect(await readAccount(owner, key.auth)).toBe(200);
  });

  test('the last enabled key cannot be disabled', async () => {
    const owner = await server.newAccount();
    const root = owner.api_key;
    await expectNoChange(owner, async () => {
      expectFailure(await setEnabled(owner, root, false), 409);
      expectFailure(await request('put', owner, `/${root}`).type('form').send('enabled=false&description=gone'), 409);
    });
    expect(await readAccount(owner, owner.auth)).toBe(200);

    // With a second key the root may go, even by its own request; then the second is the last one.
    const second = await newKey(owner, { name: 'second' });
    expect((await setEnabled(owner, root, false)).status).toBe(200);
    expect(await readAccount(owner, owner.auth)).toBe(401);
    await expectNoChange(owner, async () => expectFailure(await setEnabled(owner, second.api_key, false, second.auth), 409), second.auth);
    expect(await readAccount(owner, second.auth)).toBe(200);

    expect((await setEnabled(owner, root, true, second.auth)).status).toBe(200);
    expect(await readAccount(owner, owner.auth)).toBe(200);
  });

  test('a disabled key beside the last enabled one does not count', async () => {
    const owner = await server.newAccount();
    await newKey(owner, { enabled: false });
    await expectNoChange(owner, async () => expectFailure(await setEnabled(owner, owner.api_key, false), 409));
  });

  test('two keys disabling themselves at once: one succeeds, one is refused, one stays enabled', async () => {
    for (let round = 0; round < 5; round++) {
      const owner = await server.newAccount();
      const second = await newKey(owner);
      const results = await Promise.all([setEnabled(owner, owner.api_key, false), setEnabled(owner, second.api_key, false, second.auth)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body).toEqual(ERROR_BODY);
      const survivor = results[0]!.status === 409 ? owner.auth : second.auth;
      const enabled = (await keysOf(owner, '', survivor)).account_api_keys.filter((k) => k.enabled);
      expect(enabled.map((k) => k.api_key)).toEqual([survivor[0]]);
    }
  });
});

describe('DELETE account_api_keys/:api_key', () => {
  test.each([
    ['the root key', (owner: TestAccount) => owner.api_key],
    ['another key', (_: TestAccount, key: AccountKey) => key.api_key],
    ['a key that does not exist', () => '999999999999999'],
  ])('%s → 405, telling to disable instead; nothing changes', async (_, target) => {
    const owner = await server.newAccount();
    const key = await newKey(owner);
    await expectNoChange(owner, async () => {
      const res = await request('delete', owner, `/${target(owner, key)}`);
      expectFailure(res, 405);
      expect(res.body.error.message).toMatch(/disable/);
    });
    expect(await readAccount(owner, owner.auth)).toBe(200);
    expect(await readAccount(owner, key.auth)).toBe(200);
  });
});

/** Every route, aimed at `apiKey` on `owner`'s path, with the permission an environment key lacks. */
const ROUTES: Array<[string, string, (owner: TestAccount, apiKey: string, as: Credentials | null) => Test]> = [
  ['GET list', 'read', (owner, _, as) => request('get', owner, '', as)],
  ['POST generate', 'create', (owner, _, as) => request('post', owner, '', as).send({ name: 'intruder' })],
  ['PUT update', 'update', (owner, apiKey, as) => request('put', owner, `/${apiKey}`, as).send({ enabled: false, name: 'taken over' })],
  ['DELETE', 'delete', (owner, apiKey, as) => request('delete', owner, `/${apiKey}`, as)],
];

describe('who may call', () => {
  let owner: TestAccount;
  let spare: AccountKey;
  let environmentKey: Credentials;

  beforeAll(async () => {
    owner = await server.newAccount();
    spare = await newKey(owner, { name: 'spare' });
    const env = await server
      .http()
      .post(`${owner.base}/sub_accounts`)
      .auth(...owner.auth)
      .send({ name: 'Env', cloud_name: uniqueCloudName('aak') });
    expect(env.ok).toBe(true);
    environmentKey = [env.body.api_access_keys[0].key, env.body.api_access_keys[0].secret];
  });

  test.each(ROUTES)(
    '%s with no credentials, then with a valid key of another account → 401 with the Basic challenge',
    async (_, __, send) => {
      for (const stranger of [null, other.auth]) {
        await expectNoChange(owner, async () => {
          const res = await send(owner, spare.api_key, stranger);
          expect(res.headers['www-authenticate']).toBe('Basic realm="castellan"');
          expectFailure(res, 401, BAD_CREDENTIALS);
        });
      }
    },
  );

  test.each(ROUTES)('%s with an environment key of the account → 403', async (_, action, send) => {
    await expectNoChange(owner, async () => {
      expectFailure(await send(owner, spare.api_key, environmentKey), 403, {
        error: { message: `Not allowed: provisioning:account_api_keys.${action}` },
      });
    });
  });

  test.each([
    ['a key that does not exist', () => '999999999999999'],
    ['a key of another account', () => other.api_key],
    ['an environment key of this account', () => environmentKey[0]],
  ])('PUT of %s → 404, nothing changes', async (_, target) => {
    await expectNoChange(other, () =>
      expectNoChange(owner, async () => expectFailure(await request('put', owner, `/${target()}`).send({ description: 'x' }), 404)),
    );
    expect(await readAccount(other, other.auth)).toBe(200);
  });
});

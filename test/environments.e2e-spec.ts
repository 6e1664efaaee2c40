import { AccountService } from '@castellan/accounts';
import { ISO_SECONDS, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import {
  bind,
  Credentials,
  expectErrorMessage,
  expectUnauthorized,
  Form,
  Json,
  Method,
  ok,
  Payload,
  RawJson,
  UNKNOWN_ID,
} from './support/http.js';

// Product environments (`/sub_accounts`) over real HTTP. Every test that looks at a list works in accounts
// of its own, so tests never see each other's environments; cloud names come from uniqueCloudName()
// because they are unique across every account in a (possibly shared MySQL) database.

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());
const { call } = bind(() => server);

// ---------------------------------------------------------------------------------------------- helpers

const ENV_SECRET = /^cstle_[0-9A-Za-z]{38}$/;
const ENVIRONMENT_FIELDS = [
  'api_access_keys',
  'asset_record_location',
  'cloud_name',
  'created_at',
  'custom_attributes',
  'description',
  'enabled',
  'folder_mode',
  'id',
  'name',
  'updated_at',
  'usage_limits',
];
const USAGE_LIMIT_FIELDS = ['credits', 'storage_gb', 'bandwidth_gb', 'transformations'];

const collection = (a: TestAccount): string => `${a.base}/sub_accounts`;
const member = (a: TestAccount, id: string): string => `${collection(a)}/${id}`;
const form = (fields: Record<string, unknown>): Form =>
  new Form(
    Object.entries(fields)
      .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
      .join('&'),
  );

const named = (name: string, extra: Record<string, unknown> = {}) => ({ name, cloud_name: uniqueCloudName(), ...extra });
const create = async (a: TestAccount, payload: Payload): Promise<Json> => ok(await call('post', collection(a), a.auth, payload));
const read = async (a: TestAccount, id: string): Promise<Json> => ok(await call('get', member(a, id), a.auth));
const list = async (a: TestAccount, query = ''): Promise<Json[]> => ok(await call('get', collection(a), a.auth).query(query)).sub_accounts;
const setLimit = (a: TestAccount, limit: number) => server.app.get(AccountService).setEnvironmentLimit(a.account_id, limit);

/** An environment as later reads show it: its keys without secrets. */
function withoutSecrets(created: Json): Json {
  return { ...created, api_access_keys: created.api_access_keys.map(({ key, enabled }: Json) => ({ key, enabled })) };
}

function expectFreshlyCreated(env: Json): void {
  expect(Object.keys(env).sort()).toEqual(ENVIRONMENT_FIELDS);
  expect(env.id).toEqual(expect.any(String));
  expect(env.created_at).toMatch(ISO_SECONDS);
  expect(env.updated_at).toMatch(ISO_SECONDS);
  expect(env.api_access_keys).toHaveLength(1);
  const [{ key, secret }] = env.api_access_keys;
  expect(env.api_access_keys[0]).toEqual({
    key: expect.stringMatching(/^\d{15}$/),
    secret: expect.stringMatching(ENV_SECRET),
    enabled: true,
    api_environment_variable: `cloudinary://${key}:${secret}@${env.cloud_name}`,
  });
}

const long = (length: number): string => 'x'.repeat(length);

/** Field values no request may store; each case is valid apart from the one field it names. */
const INVALID_FIELDS: [string, Payload][] = [
  ['a name over 255 characters', { name: long(256) }],
  ['a name that is not a string', { name: 42 }],
  ['a cloud_name with a space', { name: 'Env', cloud_name: 'my cloud' }],
  ['a cloud_name with a dot', { name: 'Env', cloud_name: 'my.cloud' }],
  ['a cloud_name over 64 characters', { name: 'Env', cloud_name: long(65) }],
  ['a description over 1000 characters', { name: 'Env', description: long(1001) }],
  ['enabled that is not a boolean', { name: 'Env', enabled: 'maybe' }],
  ['enabled=maybe in a form body', new Form('name=Env&enabled=maybe')],
  ['custom_attributes that are an array', { name: 'Env', custom_attributes: [1, 2] }],
  ['custom_attributes that are a plain string', { name: 'Env', custom_attributes: 'mobile' }],
  ['custom_attributes as invalid JSON in a form body', new Form('name=Env&custom_attributes=%7Bteam')],
  ['an unknown folder_mode', { name: 'Env', folder_mode: 'static' }],
  ['an unknown asset_record_location', { name: 'Env', asset_record_location: 'mars' }],
  ['usage_limits that are not an object', { name: 'Env', usage_limits: 'plenty' }],
  ...USAGE_LIMIT_FIELDS.map((f): [string, Payload] => [`a negative usage_limits.${f}`, { name: 'Env', usage_limits: { [f]: -1 } }]),
  ['a usage limit that is not a number', { name: 'Env', usage_limits: { storage_gb: 'ten' } }],
  ['a malformed JSON body', new RawJson('{"name": "Env"')],
];

/** An environment id the caller's account does not have, and a check that its owner (if any) still has it unchanged. */
interface MissingId {
  id: string;
  expectUntouched: () => Promise<void>;
}
const MISSING_IDS: [string, () => Promise<MissingId>][] = [
  ['an id no environment has', async () => ({ id: UNKNOWN_ID, expectUntouched: async () => undefined })],
  [
    "another account's environment",
    async () => {
      const owner = await server.newAccount();
      const env = withoutSecrets(await create(owner, named('Foreign')));
      return { id: env.id, expectUntouched: async () => expect(await read(owner, env.id)).toEqual(env) };
    },
  ],
];

// ------------------------------------------------------------------------------- credentials, per route

/** An account whose environment the access-rule tests aim at; none of them may change it. */
interface Guarded {
  owner: TestAccount;
  intruder: TestAccount;
  env: Json;
  before: Json[];
}
let guarded: Guarded;
beforeAll(async () => {
  const [owner, intruder] = [await server.newAccount('Owner'), await server.newAccount('Intruder')];
  const env = await create(owner, named('Guarded'));
  guarded = { owner, intruder, env, before: await list(owner) };
});

interface Route {
  method: Method;
  path: (g: Guarded) => string;
  payload?: () => Payload;
  permission: string;
}

const BAD_CREDENTIALS: [string, (g: Guarded) => Credentials | undefined][] = [
  ['no credentials', () => undefined],
  ["another account's valid key", (g) => g.intruder.auth],
  ["the account's key with another account's secret", (g) => [g.owner.api_key, g.intruder.api_secret]],
  ["the account's key with a malformed secret", (g) => [g.owner.api_key, 'not-the-secret']],
  ['an unknown key', (g) => ['999999999999999', g.owner.api_secret]],
];

/** The access rules every route shares: 401 for bad credentials, 403 for an environment's own key. */
function testAccessRules(route: Route): void {
  const send = (credentials: Credentials | undefined) => call(route.method, route.path(guarded), credentials, route.payload?.());

  test.each(BAD_CREDENTIALS)('401 with %s, and nothing changes', async (_, credentials) => {
    const res = await send(credentials(guarded));
    expectUnauthorized(res);
    expect(await list(guarded.owner)).toEqual(guarded.before);
  });

  test(`403 for a product environment's own key (needs ${route.permission}), and nothing changes`, async () => {
    const [{ key, secret }] = guarded.env.api_access_keys;
    expectErrorMessage(await send([key, secret]), 403, `Not allowed: ${route.permission}`);
    expect(await list(guarded.owner)).toEqual(guarded.before);
  });
}

// ------------------------------------------------------------------------------------ POST /sub_accounts

describe('POST /sub_accounts', () => {
  let account: TestAccount;
  beforeAll(async () => (account = await server.newAccount()));

  test('creates an environment with defaults from a name alone, with its first key and secret', async () => {
    const env = await create(account, { name: 'Defaults only' });
    expectFreshlyCreated(env);
    expect(env).toMatchObject({
      name: 'Defaults only',
      cloud_name: expect.stringMatching(/^[a-z0-9_-]{1,64}$/),
      enabled: true,
      description: null,
      folder_mode: 'dynamic',
      asset_record_location: 'us',
      usage_limits: null,
      custom_attributes: null,
    });
    expect(await read(account, env.id)).toEqual(withoutSecrets(env));
  });

  test('stores every given field and lower-cases the cloud_name', async () => {
    const cloudName = uniqueCloudName('MiXeD');
    const fields = {
      name: 'Full',
      description: 'Everything given',
      enabled: false,
      custom_attributes: { team: 'mobile', tier: 2, flags: { beta: true } },
      folder_mode: 'fixed',
      asset_record_location: 'eu',
      usage_limits: { credits: 10, storage_gb: 1.5, bandwidth_gb: 0, transformations: 1000 },
    };
    const env = await create(account, { ...fields, cloud_name: cloudName });
    expectFreshlyCreated(env);
    expect(env).toMatchObject({ ...fields, cloud_name: cloudName.toLowerCase() });
    expect(await read(account, env.id)).toEqual(withoutSecrets(env));
  });

  test('accepts a form body, with enabled as text and objects as JSON text', async () => {
    const cloudName = uniqueCloudName();
    const env = await create(
      account,
      form({
        name: 'From a form',
        cloud_name: cloudName,
        enabled: 'false',
        custom_attributes: { team: 'web' },
        usage_limits: { credits: 5 },
        asset_record_location: 'ap',
      }),
    );
    expectFreshlyCreated(env);
    expect(env).toMatchObject({
      name: 'From a form',
      cloud_name: cloudName,
      enabled: false,
      custom_attributes: { team: 'web' },
      usage_limits: { credits: 5 },
      asset_record_location: 'ap',
    });
    expect(await read(account, env.id)).toEqual(withoutSecrets(env));
  });

  test.each<[string, Payload]>([
    ['a JSON body', { name: 'Status' }],
    ['a form body', new Form('name=Status')],
  ])('answers 200 with JSON, like every other success (%s)', async (_, payload) => {
    expectFreshlyCreated(ok(await call('post', collection(account), account.auth, payload)));
  });

  test.each([
    ['true', true],
    ['false', false],
  ])('reads enabled=%s in a form body as %s', async (text, enabled) => {
    expect((await create(account, form({ name: 'Form flag', enabled: text }))).enabled).toBe(enabled);
  });

  test.each<[string, Payload]>([
    [
      'JSON with "" and null',
      {
        name: 'Blanks',
        cloud_name: '',
        description: null,
        enabled: '',
        custom_attributes: '',
        folder_mode: null,
        asset_record_location: '',
        usage_limits: null,
        base_sub_account_id: '',
      },
    ],
    [
      'a form with empty fields',
      new Form(
        'name=Blanks&cloud_name=&description=&enabled=&custom_attributes=&folder_mode=' +
          '&asset_record_location=&usage_limits=&base_sub_account_id=',
      ),
    ],
  ])('treats empty values as not given (%s)', async (_, payload) => {
    const env = await create(account, payload);
    expect(env).toMatchObject({
      name: 'Blanks',
      enabled: true,
      description: null,
      folder_mode: 'dynamic',
      asset_record_location: 'us',
      usage_limits: null,
      custom_attributes: null,
    });
    expect(env.cloud_name).toMatch(/^[a-z0-9_-]+$/);
  });

  test('accepts values at their limits', async () => {
    const cloudName = uniqueCloudName().padEnd(64, 'z');
    const env = await create(account, {
      name: long(255),
      cloud_name: cloudName,
      description: long(1000),
      usage_limits: { credits: 0, storage_gb: 0, bandwidth_gb: 0, transformations: 0 },
    });
    expect(env).toMatchObject({ name: long(255), cloud_name: cloudName, description: long(1000) });
    expect(await read(account, env.id)).toEqual(withoutSecrets(env));
  });

  test('gives every environment its own key and secret', async () => {
    const [a, b] = [await create(account, { name: 'One' }), await create(account, { name: 'Two' })];
    expect(a.api_access_keys[0].key).not.toBe(b.api_access_keys[0].key);
    expect(a.api_access_keys[0].secret).not.toBe(b.api_access_keys[0].secret);
    expect(a.cloud_name).not.toBe(b.cloud_name);
  });

  describe('invalid input: 400 and nothing created', () => {
    let empty: TestAccount;
    beforeAll(async () => (empty = await server.newAccount()));

    test.each<[string, Payload]>([
      ['no name', {}],
      ['an empty name', { name: '' }],
      ['a blank name', { name: '   ' }],
      ['a null name', { name: null }],
      ...INVALID_FIELDS,
    ])('%s', async (_, payload) => {
      expectErrorMessage(await call('post', collection(empty), empty.auth, payload), 400);
      expect(await list(empty)).toEqual([]);
    });
  });

  describe('a cloud_name already taken: 409 and nothing created', () => {
    test.each([
      ['in the same account', 'same', (n: string) => n],
      ['in the same account, in other case', 'same', (n: string) => n.toUpperCase()],
      ['by another account', 'other', (n: string) => n],
      ['by another account, in other case', 'other', (n: string) => n.toUpperCase()],
    ])('%s', async (_, where, spell) => {
      const [holder, other] = [await server.newAccount(), await server.newAccount()];
      const taken = await create(holder, named('Holder'));
      const creator = where === 'same' ? holder : other;
      const before = await list(creator);
      expectErrorMessage(
        await call('post', collection(creator), creator.auth, { name: 'Copycat', cloud_name: spell(taken.cloud_name) }),
        409,
      );
      expect(await list(creator)).toEqual(before);
    });

    test('two accounts racing for one cloud_name: one wins, the other gets 409', async () => {
      const [a, b] = [await server.newAccount(), await server.newAccount()];
      const body = named('Racer');
      const results = await Promise.all([a, b].map((acc) => call('post', collection(acc), acc.auth, body)));
      const refused = results.filter((r) => r.status === 409);
      expect(refused).toHaveLength(1);
      expectErrorMessage(refused[0]!, 409);
      expect([...(await list(a)), ...(await list(b))].map((e) => e.cloud_name)).toEqual([body.cloud_name]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    });
  });

  describe('base_sub_account_id', () => {
    const copied = {
      folder_mode: 'fixed',
      asset_record_location: 'ap',
      usage_limits: { credits: 7, storage_gb: 3 },
      custom_attributes: { team: 'base' },
    };

    test('copies usage_limits, folder_mode, custom_attributes and asset_record_location, never keys', async () => {
      const a = await server.newAccount();
      const base = await create(a, named('Base', { ...copied, description: 'the base', enabled: false }));
      const copy = await create(a, { name: 'Copy', base_sub_account_id: base.id });
      expectFreshlyCreated(copy);
      expect(copy).toMatchObject({ ...copied, name: 'Copy', description: null, enabled: true });
      expect(copy.cloud_name).not.toBe(base.cloud_name);
      expect(copy.api_access_keys[0].key).not.toBe(base.api_access_keys[0].key);
      expect(await list(a)).toEqual([withoutSecrets(base), withoutSecrets(copy)]);
    });

    test('explicit values win over the base environment', async () => {
      const a = await server.newAccount();
      const base = await create(a, named('Base', copied));
      const explicit = {
        folder_mode: 'dynamic',
        asset_record_location: 'eu',
        usage_limits: { transformations: 9 },
        custom_attributes: { team: 'own' },
      };
      const env = await create(a, { name: 'Own', base_sub_account_id: base.id, ...explicit });
      expect(env).toMatchObject(explicit);
      expect(await read(a, env.id)).toEqual(withoutSecrets(env));
    });

    test.each(MISSING_IDS)('404 for %s, and nothing created', async (_, missing) => {
      const [a, base] = [await server.newAccount(), await missing()];
      expectErrorMessage(await call('post', collection(a), a.auth, { name: 'Orphan', base_sub_account_id: base.id }), 404);
      expect(await list(a)).toEqual([]);
      await base.expectUntouched();
    });
  });

  describe('the per-account limit', () => {
    test('403 past the limit, naming it, and nothing created', async () => {
      const a = await server.newAccount();
      await setLimit(a, 2);
      await create(a, named('First'));
      await create(a, named('Second'));
      const before = await list(a);
      expectErrorMessage(await call('post', collection(a), a.auth, named('Third')), 403, expect.stringMatching(/\b2\b/));
      expect(await list(a)).toEqual(before);
    });

    test('5 parallel creates under a limit of 3: exactly 3 succeed and 2 get 403', async () => {
      const a = await server.newAccount();
      await setLimit(a, 3);
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => call('post', collection(a), a.auth, named(`Parallel ${i}`))));
      const refused = results.filter((r) => r.status === 403);
      const created = results.filter((r) => r.status !== 403).map((r) => r.body.id);
      expect(refused).toHaveLength(2);
      refused.forEach((r) => expectErrorMessage(r, 403, expect.stringMatching(/\b3\b/)));
      expect((await list(a)).map((e) => e.id).sort()).toEqual(created.sort());
      expect(created).toHaveLength(3);
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 403, 403]);
    });

    test('the limit is per account: another account may still create', async () => {
      const [full, free] = [await server.newAccount(), await server.newAccount()];
      await setLimit(full, 0);
      expectErrorMessage(await call('post', collection(full), full.auth, named('Nope')), 403);
      expectFreshlyCreated(await create(free, named('Fine')));
    });
  });

  testAccessRules({
    method: 'post',
    path: (g) => collection(g.owner),
    payload: () => named('Intruder'),
    permission: 'provisioning:sub_accounts.create',
  });
});

// ------------------------------------------------------------------------------------- GET /sub_accounts

describe('GET /sub_accounts', () => {
  test('an account without environments gets an empty list', async () => {
    const a = await server.newAccount();
    expect(ok(await call('get', collection(a), a.auth))).toEqual({ sub_accounts: [] });
  });

  test('lists the environments oldest first, as GET by id shows them, and never a secret', async () => {
    const a = await server.newAccount();
    const created = [];
    for (const name of ['Zulu', 'Alpha', 'Mike']) created.push(await create(a, named(name)));
    const listed = await list(a);
    expect(listed).toEqual(created.map(withoutSecrets));
    for (const env of listed) expect(await read(a, env.id)).toEqual(env);
    const json = JSON.stringify(listed);
    for (const env of created) expect(json).not.toContain(env.api_access_keys[0].secret);
  });

  describe('filters', () => {
    type Fixture = Record<string, Json>;
    let a: TestAccount;
    let f: Fixture;
    let foreign: Json;
    const NAMES = {
      alpha1: 'Alpha one',
      alpha2: 'alpha two',
      beta: 'Beta',
      fifty: '50% off',
      fiveHundred: '500 things',
      underscore: 'a_b',
      letter: 'axb',
      bang: '!bang',
    };
    const DISABLED = ['alpha2'];
    const ALL = Object.keys(NAMES);
    const ENABLED = ALL.filter((k) => !DISABLED.includes(k));

    beforeAll(async () => {
      a = await server.newAccount();
      f = {};
      for (const [key, name] of Object.entries(NAMES)) f[key] = await create(a, named(name, { enabled: !DISABLED.includes(key) }));
      foreign = await create(await server.newAccount(), named('Alpha foreign'));
    });

    const ids = (...keys: string[]) => keys.map((k) => f[k].id);
    const q = (text: string) => () => text;

    test.each<[string, () => string, string[]]>([
      ['no filter', q(''), ALL],
      ['the SDK’s empty enabled= and prefix=', q('enabled=&prefix='), ALL],
      ['enabled=true', q('enabled=true'), ENABLED],
      ['enabled=false', q('enabled=false'), DISABLED],
      ['a prefix, case-insensitively', q('prefix=aLPHA'), ['alpha1', 'alpha2']],
      ['a prefix matching two names', q('prefix=50'), ['fifty', 'fiveHundred']],
      ['a prefix with a literal %', q(`prefix=${encodeURIComponent('50%')}`), ['fifty']],
      ['a prefix with a literal _', q('prefix=a_'), ['underscore']],
      ['a prefix with the LIKE escape character', q(`prefix=${encodeURIComponent('!')}`), ['bang']],
      ['a prefix nothing matches', q('prefix=zzz'), []],
      ['ids repeated (ids=a&ids=b), in any order', () => `ids=${f.beta.id}&ids=${f.alpha1.id}`, ['alpha1', 'beta']],
      ['ids with brackets (ids[]=a&ids[]=b)', () => `ids[]=${f.beta.id}&ids[]=${f.alpha1.id}`, ['alpha1', 'beta']],
      ['ids comma-joined (ids=a,b)', () => `ids=${f.beta.id},${f.alpha1.id}`, ['alpha1', 'beta']],
      ['an id no environment has', q(`ids=${UNKNOWN_ID}`), []],
      ["another account's environment id", () => `ids=${foreign.id}`, []],
      ['cloud_names repeated', () => `cloud_names=${f.fifty.cloud_name}&cloud_names=${f.bang.cloud_name}`, ['fifty', 'bang']],
      ['cloud_names with brackets', () => `cloud_names[]=${f.fifty.cloud_name}&cloud_names[]=${f.bang.cloud_name}`, ['fifty', 'bang']],
      ['cloud_names comma-joined', () => `cloud_names=${f.fifty.cloud_name},${f.bang.cloud_name}`, ['fifty', 'bang']],
      ["another account's cloud_name", () => `cloud_names=${foreign.cloud_name}`, []],
      ['prefix AND enabled', q('prefix=alpha&enabled=true'), ['alpha1']],
      ['ids AND enabled', () => `ids=${f.alpha2.id},${f.beta.id}&enabled=false`, ['alpha2']],
      ['cloud_names AND prefix', () => `cloud_names=${f.alpha1.cloud_name},${f.beta.cloud_name}&prefix=b`, ['beta']],
      ['ids AND cloud_names', () => `ids=${f.alpha1.id},${f.beta.id}&cloud_names=${f.beta.cloud_name},${f.fifty.cloud_name}`, ['beta']],
    ])('%s', async (_, query, expected) => {
      expect((await list(a, query())).map((e) => e.id)).toEqual(ids(...expected));
    });

    const many = (field: string, count: number) => Array.from({ length: count }, (_, i) => `${field}=x${i}`).join('&');
    test.each<[string, () => string]>([
      ['enabled=maybe', q('enabled=maybe')],
      ['101 ids repeated', q(many('ids', 101))],
      ['101 ids with brackets', q(many('ids[]', 101))],
      ['101 ids comma-joined', q(`ids=${Array.from({ length: 101 }, (_, i) => `x${i}`).join(',')}`)],
      ['101 cloud_names', q(many('cloud_names', 101))],
      ['a prefix over 255 characters', q(`prefix=${long(256)}`)],
    ])('400 for %s', async (_, query) => {
      expectErrorMessage(await call('get', collection(a), a.auth).query(query()), 400);
      expect((await list(a)).map((e) => e.id)).toEqual(ids(...ALL));
    });

    test('100 ids are allowed', async () => {
      const hundred = [...ids('beta'), ...Array.from({ length: 99 }, (_, i) => `x${i}`)];
      expect((await list(a, `ids=${hundred.join(',')}`)).map((e) => e.id)).toEqual(ids('beta'));
    });

    test('cloud_names matches whatever case it is given in', async () => {
      expect((await list(a, `cloud_names=${f.beta.cloud_name.toUpperCase()}`)).map((e) => e.id)).toEqual(ids('beta'));
    });
  });

  testAccessRules({ method: 'get', path: (g) => collection(g.owner), permission: 'provisioning:sub_accounts.read' });
});

// --------------------------------------------------------------------------------- GET /sub_accounts/:id

describe('GET /sub_accounts/:id', () => {
  test('shows the environment with its key but never its secret', async () => {
    const a = await server.newAccount();
    const env = await create(a, named('Readable', { description: 'd', custom_attributes: { k: 'v' } }));
    const shown = await read(a, env.id);
    expect(shown).toEqual(withoutSecrets(env));
    expect(shown.api_access_keys).toEqual([{ key: env.api_access_keys[0].key, enabled: true }]);
    expect(JSON.stringify(shown)).not.toContain(env.api_access_keys[0].secret);
  });

  test.each(MISSING_IDS)('404 for %s', async (_, missing) => {
    const [a, target] = [await server.newAccount(), await missing()];
    expectErrorMessage(await call('get', member(a, target.id), a.auth), 404);
  });

  testAccessRules({ method: 'get', path: (g) => member(g.owner, g.env.id), permission: 'provisioning:sub_accounts.read' });
});

// --------------------------------------------------------------------------------- PUT /sub_accounts/:id

describe('PUT /sub_accounts/:id', () => {
  /** A fresh account with one environment that has every field set. */
  async function subject(): Promise<{ a: TestAccount; env: Json }> {
    const a = await server.newAccount();
    const env = await create(
      a,
      named('Original', {
        description: 'before',
        custom_attributes: { v: 1 },
        usage_limits: { credits: 1 },
        folder_mode: 'fixed',
        asset_record_location: 'eu',
      }),
    );
    return { a, env: withoutSecrets(env) };
  }

  /** The request answered `status`, and the environment is exactly as it was. */
  async function expectRefused(payload: Payload, status: number): Promise<void> {
    const { a, env } = await subject();
    expectErrorMessage(await call('put', member(a, env.id), a.auth, payload), status);
    expect(await read(a, env.id)).toEqual(env);
  }

  test('changes every changeable field and lower-cases the cloud_name; the answer matches later reads', async () => {
    const { a, env } = await subject();
    const cloudName = uniqueCloudName('ReNaMeD');
    const changes = {
      name: 'Renamed',
      description: 'after',
      enabled: false,
      custom_attributes: { v: 2, team: 'x' },
      usage_limits: { storage_gb: 4, transformations: 10 },
    };
    const updated = ok(await call('put', member(a, env.id), a.auth, { ...changes, cloud_name: cloudName }));
    expect(updated).toEqual({ ...env, ...changes, cloud_name: cloudName.toLowerCase(), updated_at: expect.stringMatching(ISO_SECONDS) });
    expect(await read(a, env.id)).toEqual(updated);
    expect(await list(a)).toEqual([updated]);
  });

  test('accepts a form body, with enabled as text and objects as JSON text', async () => {
    const { a, env } = await subject();
    const changes = { name: 'Form renamed', enabled: false, custom_attributes: { team: 'form' }, usage_limits: { bandwidth_gb: 2 } };
    const updated = ok(await call('put', member(a, env.id), a.auth, form(changes)));
    expect(updated).toMatchObject(changes);
    expect(await read(a, env.id)).toEqual(updated);
  });

  test('changes only the fields given', async () => {
    const { a, env } = await subject();
    const updated = ok(await call('put', member(a, env.id), a.auth, { description: 'only this' }));
    expect(updated).toEqual({ ...env, description: 'only this', updated_at: expect.stringMatching(ISO_SECONDS) });
  });

  test.each<[string, Payload]>([
    ['an empty JSON body', {}],
    [
      'JSON with "" and null',
      {
        name: '',
        cloud_name: null,
        description: '',
        enabled: null,
        custom_attributes: '',
        usage_limits: null,
        folder_mode: '',
        asset_record_location: null,
      },
    ],
    [
      'a form with empty fields',
      new Form('name=&cloud_name=&description=&enabled=&custom_attributes=&usage_limits=&folder_mode=&asset_record_location='),
    ],
  ])('treats empty values as not given (%s): nothing changes', async (_, payload) => {
    const { a, env } = await subject();
    const updated = ok(await call('put', member(a, env.id), a.auth, payload));
    expect({ ...updated, updated_at: env.updated_at }).toEqual(env);
    expect({ ...(await read(a, env.id)), updated_at: env.updated_at }).toEqual(env);
  });

  test('accepts its own cloud_name in other case', async () => {
    const { a, env } = await subject();
    expect(ok(await call('put', member(a, env.id), a.auth, { cloud_name: env.cloud_name.toUpperCase() })).cloud_name).toBe(env.cloud_name);
  });

  test.each([
    ['folder_mode', { folder_mode: 'fixed' }],
    ['asset_record_location', { asset_record_location: 'eu' }],
    ['folder_mode and asset_record_location', { folder_mode: 'fixed', asset_record_location: 'eu' }],
  ])('accepts the current %s alongside other changes', async (_, same) => {
    const { a, env } = await subject();
    const updated = ok(await call('put', member(a, env.id), a.auth, { ...same, name: 'Still fixed' }));
    expect(updated).toEqual({ ...env, name: 'Still fixed', updated_at: expect.stringMatching(ISO_SECONDS) });
  });

  describe('invalid input: 400 and nothing changes', () => {
    test.each<[string, Payload]>([
      ['a different folder_mode', { name: 'Changed', folder_mode: 'dynamic' }],
      ['a different asset_record_location', { name: 'Changed', asset_record_location: 'us' }],
      ...INVALID_FIELDS,
    ])('%s', (_, payload) => expectRefused(payload, 400));
  });

  describe('a cloud_name already taken: 409 and nothing changes', () => {
    test.each([
      ['by another environment of the account', false, (n: string) => n],
      ['by another environment of the account, in other case', false, (n: string) => n.toUpperCase()],
      ['by another account', true, (n: string) => n],
    ])('%s', async (_, elsewhere, spell) => {
      const { a, env } = await subject();
      const holder = elsewhere ? await server.newAccount() : a;
      const taken = await create(holder, named('Holder'));
      expectErrorMessage(await call('put', member(a, env.id), a.auth, { name: 'Changed', cloud_name: spell(taken.cloud_name) }), 409);
      expect(await read(a, env.id)).toEqual(env);
      expect(await read(holder, taken.id)).toEqual(withoutSecrets(taken));
    });
  });

  test.each(MISSING_IDS)('404 for %s, and nothing changes', async (_, missing) => {
    const [{ a, env }, target] = [await subject(), await missing()];
    expectErrorMessage(await call('put', member(a, target.id), a.auth, { name: 'Hijacked' }), 404);
    expect(await list(a)).toEqual([env]);
    await target.expectUntouched();
  });

  testAccessRules({
    method: 'put',
    path: (g) => member(g.owner, g.env.id),
    payload: () => ({ name: 'Changed' }),
    permission: 'provisioning:sub_accounts.update',
  });
});

// ------------------------------------------------------------------------------ DELETE /sub_accounts/:id

describe('DELETE /sub_accounts/:id', () => {
  test('deletes the environment and its keys', async () => {
    const a = await server.newAccount();
    const [kept, doomed] = [await create(a, named('Kept')), await create(a, named('Doomed'))];
    const [{ key, secret }] = doomed.api_access_keys;
    const keysPath = `${member(a, doomed.id)}/access_keys`;
    // Before: its key authenticates (and is refused provisioning rights) and is listed among its keys.
    expectErrorMessage(await call('get', collection(a), [key, secret]), 403);
    expect(JSON.stringify(ok(await call('get', keysPath, a.auth)))).toContain(key);

    expect(ok(await call('delete', member(a, doomed.id), a.auth))).toEqual({ message: 'ok' });

    expectErrorMessage(await call('get', member(a, doomed.id), a.auth), 404);
    expectErrorMessage(await call('get', keysPath, a.auth), 404);
    expect(await list(a)).toEqual([withoutSecrets(kept)]);
    // After: the same key no longer authenticates at all.
    const res = await call('get', collection(a), [key, secret]);
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: { message: 'Invalid credentials' } } });
  });

  test('a second delete of the same environment is 404', async () => {
    const a = await server.newAccount();
    const env = await create(a, named('Once'));
    ok(await call('delete', member(a, env.id), a.auth));
    expectErrorMessage(await call('delete', member(a, env.id), a.auth), 404);
  });

  test('frees a place under the account limit', async () => {
    const a = await server.newAccount();
    await setLimit(a, 1);
    const first = await create(a, named('First'));
    expectErrorMessage(await call('post', collection(a), a.auth, named('Blocked')), 403);
    ok(await call('delete', member(a, first.id), a.auth));
    expectFreshlyCreated(await create(a, named('Replacement')));
  });

  test.each(MISSING_IDS)('404 for %s, and nothing is deleted', async (_, missing) => {
    const a = await server.newAccount();
    const [env, target] = [await create(a, named('Bystander')), await missing()];
    expectErrorMessage(await call('delete', member(a, target.id), a.auth), 404);
    expect(await list(a)).toEqual([withoutSecrets(env)]);
    await target.expectUntouched();
  });

  testAccessRules({ method: 'delete', path: (g) => member(g.owner, g.env.id), permission: 'provisioning:sub_accounts.delete' });
});

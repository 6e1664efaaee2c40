import type { Test } from 'supertest';
import { BUILTIN_PLUGINS } from '@castellan/permissions';
import { expectError, INVALID_CREDENTIALS, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';

// The decision API (/v1_1/authorize, /authorize/batch, /keys/self, /permissions/catalog), which internal
// services call with the credentials of the key being checked, and the account's simulation endpoint.

type Auth = [string, string];
type Reason = 'ALLOWED' | 'DENIED_BY_RULE' | 'NO_MATCHING_RULE' | 'WRONG_ENVIRONMENT' | 'ENVIRONMENT_DISABLED' | 'KEY_DISABLED';
type Rule = { effect: 'allow' | 'deny'; actions: string[]; conditions?: Record<string, unknown> };

/** A key as decisions name it, with its credentials and its management path (`.../access_keys/<key>` or `.../account_api_keys/<key>`). */
interface Key {
  api_key: string;
  name: string;
  kind: 'account' | 'environment';
  auth: Auth;
  path: string;
}

interface Env {
  id: string;
  cloud_name: string;
  /** `.../sub_accounts/<id>` */
  path: string;
  /** Its Root key, on its default policy. */
  root: Key;
}

const ENV_DEFAULT: Rule[] = [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }];
const ACCOUNT_DEFAULT: Rule[] = [{ effect: 'allow', actions: ['*'] }];
/** Uploads anywhere, deletions outside prod/ only; nothing of the Admin API. */
const NARROW: Rule[] = [
  { effect: 'allow', actions: ['upload:*'] },
  { effect: 'deny', actions: ['upload:destroy'], conditions: { folder: { $regex: '^prod/' } } },
];
const TRACED: Rule[] = [...NARROW, { effect: 'allow', actions: ['admin:ping.read'] }];

let server: TestServer;
let a: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Decisions owner');
  other = await server.newAccount('Decisions outsider');
});
afterAll(() => server.close());

const send = (verb: 'get' | 'post' | 'put', path: string, as: Auth | null, body?: object): Test => {
  const req = server.http()[verb](path);
  if (as) req.auth(...as);
  return body === undefined ? req : req.send(body);
};

const rootOf = (owner: TestAccount): Key => ({
  api_key: owner.api_key,
  name: 'Root',
  kind: 'account',
  auth: owner.auth,
  path: `${owner.base}/account_api_keys/${owner.api_key}`,
});

async function newEnvironment(owner: TestAccount = a): Promise<Env> {
  const res = await send('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Decisions env', cloud_name: uniqueCloudName('dec') });
  expect(res.ok).toBe(true);
  const { key, secret } = res.body.api_access_keys[0];
  const path = `${owner.base}/sub_accounts/${res.body.id}`;
  const root: Key = { api_key: key, name: 'Root', kind: 'environment', auth: [key, secret], path: `${path}/access_keys/${key}` };
  return { id: res.body.id, cloud_name: res.body.cloud_name, path, root };
}

/** A new key of `env`, or an account key of `owner` without one; with `rules` when given. */
async function newKey(env: Env | null, rules?: Rule[], owner: TestAccount = a): Promise<Key> {
  const collection = env ? `${env.path}/access_keys` : `${owner.base}/account_api_keys`;
  const res = await send('post', collection, owner.auth, { name: `k-${Math.random().toString(36).slice(2, 10)}` });
  expect(res.ok).toBe(true);
  const { api_key, name, api_secret } = res.body;
  const key: Key = { api_key, name, kind: env ? 'environment' : 'account', auth: [api_key, api_secret], path: `${collection}/${api_key}` };
  if (rules) expect((await send('put', `${key.path}/permissions`, owner.auth, { rules })).status).toBe(200);
  return key;
}

const update = async (path: string, body: object, owner: TestAccount = a) =>
  expect((await send('put', path, owner.auth, body)).status).toBe(200);

/** The decision the API must give. */
const decision = (key: Key, reason: Reason, env: Env | null, rule: number | null) => ({
  allowed: reason === 'ALLOWED',
  reason,
  key: { api_key: key.api_key, name: key.name, kind: key.kind },
  environment: env && { id: env.id, cloud_name: env.cloud_name },
  rule,
});

const authorize = (as: Auth | null, body: object) => send('post', '/v1_1/authorize', as, body);

/** The answer to missing or refused credentials: 401 with the Basic challenge. */
function expectChallenge(res: { status: number; body: unknown; headers: Record<string, string> }): void {
  expectError(res, 401, INVALID_CREDENTIALS);
  expect(res.headers['www-authenticate']).toBe('Basic realm="castellan"');
}

async function decide(key: Key, body: object) {
  const res = await authorize(key.auth, body);
  expect(res.status).toBe(200);
  return res.body;
}

describe('POST /v1_1/authorize', () => {
  let home: Env;
  let sibling: Env;
  let foreign: Env;
  let narrowed: Key;
  let accountKey: Key;

  beforeAll(async () => {
    [home, sibling, foreign] = [await newEnvironment(), await newEnvironment(), await newEnvironment(other)];
    narrowed = await newKey(home, NARROW);
    accountKey = await newKey(null);
  });

  const cases: Array<[string, () => [Key, object, Reason, Env | null, number | null]]> = [
    ['an environment key may upload:destroy by default', () => [home.root, { action: 'upload:destroy' }, 'ALLOWED', home, 0]],
    [
      'an environment key naming its own cloud_name in capitals',
      () => [home.root, { action: 'admin:ping.read', cloud_name: home.cloud_name.toUpperCase() }, 'ALLOWED', home, 0],
    ],
    [
      'an environment key never holds provisioning actions',
      () => [home.root, { action: 'provisioning:account.read' }, 'NO_MATCHING_RULE', home, null],
    ],
    [
      'a narrowed key, denied by a condition',
      () => [narrowed, { action: 'upload:destroy', resource: { folder: 'prod/a' } }, 'DENIED_BY_RULE', home, 1],
    ],
    [
      'a narrowed key, outside the deny condition',
      () => [narrowed, { action: 'upload:destroy', resource: { folder: 'dev/a' } }, 'ALLOWED', home, 0],
    ],
    ['a narrowed key, no resource: the deny condition cannot hold', () => [narrowed, { action: 'upload:destroy' }, 'ALLOWED', home, 0]],
    ['a narrowed key, an action no rule names', () => [narrowed, { action: 'admin:ping.read' }, 'NO_MATCHING_RULE', home, null]],
    [
      'an environment key naming another environment of its account',
      () => [home.root, { action: 'upload:destroy', cloud_name: sibling.cloud_name }, 'WRONG_ENVIRONMENT', home, null],
    ],
    [
      "an environment key naming another account's environment",
      () => [narrowed, { action: 'upload:upload', cloud_name: foreign.cloud_name }, 'WRONG_ENVIRONMENT', home, null],
    ],
    [
      'an account key naming an environment of its account',
      () => [accountKey, { action: 'upload:destroy', cloud_name: sibling.cloud_name }, 'ALLOWED', sibling, 0],
    ],
    [
      'an account key naming it in capitals',
      () => [accountKey, { action: 'admin:ping.read', cloud_name: sibling.cloud_name.toUpperCase() }, 'ALLOWED', sibling, 0],
    ],
    ['an account key naming no environment', () => [accountKey, { action: 'upload:destroy' }, 'ALLOWED', null, 0]],
    ['the account Root key, a provisioning action', () => [rootOf(a), { action: 'provisioning:account.read' }, 'ALLOWED', null, 0]],
    [
      'an account key naming an unknown cloud_name',
      () => [accountKey, { action: 'upload:destroy', cloud_name: uniqueCloudName('none') }, 'WRONG_ENVIRONMENT', null, null],
    ],
    [
      "an account key naming another account's environment",
      () => [accountKey, { action: 'upload:destroy', cloud_name: foreign.cloud_name }, 'WRONG_ENVIRONMENT', null, null],
    ],
  ];
  test.each(cases)('%s', async (_, setup) => {
    const [key, body, reason, env, rule] = setup();
    const answer = await decide(key, body);
    expect(answer).toEqual(decision(key, reason, env, rule));
    expect(Object.keys(answer)).toEqual(['allowed', 'reason', 'key', 'environment', 'rule']);
  });

  test('a disabled environment refuses everything until it is enabled again', async () => {
    const env = await newEnvironment();
    const check = { action: 'upload:destroy' };
    const viaAccount = { ...check, cloud_name: env.cloud_name };
    await update(env.path, { enabled: false });
    expect(await decide(env.root, check)).toEqual(decision(env.root, 'ENVIRONMENT_DISABLED', env, null));
    expect(await decide(accountKey, viaAccount)).toEqual(decision(accountKey, 'ENVIRONMENT_DISABLED', env, null));
    await update(env.path, { enabled: true });
    expect(await decide(env.root, check)).toEqual(decision(env.root, 'ALLOWED', env, 0));
    expect(await decide(accountKey, viaAccount)).toEqual(decision(accountKey, 'ALLOWED', env, 0));
  });

  test('a new policy applies from the next request', async () => {
    const key = await newKey(home);
    expect((await decide(key, { action: 'admin:ping.read' })).reason).toBe('ALLOWED');
    await update(`${key.path}/permissions`, { rules: NARROW });
    expect(await decide(key, { action: 'admin:ping.read' })).toEqual(decision(key, 'NO_MATCHING_RULE', home, null));
  });

  test.each([
    ['an unknown action', { action: 'upload:nope' }, 'action: unknown action "upload:nope"'],
    ['a wildcard', { action: 'upload:*' }, 'action: unknown action "upload:*"'],
    ['the global wildcard', { action: '*' }, 'action: unknown action "*"'],
    ['no action', { resource: { folder: 'a' } }, null],
    ['a blank action', { action: '   ' }, null],
    ['a resource that is a string', { action: 'upload:destroy', resource: 'prod/a' }, null],
    ['a resource that is an array', { action: 'upload:destroy', resource: ['prod/a'] }, null],
    ['a resource that is a number', { action: 'upload:destroy', resource: 7 }, null],
    ['a cloud_name that is not a string', { action: 'upload:destroy', cloud_name: 7 }, null],
  ])('%s → 400', async (_, body, message) => {
    const res = await authorize(home.root.auth, body);
    expectError(res, 400, message ? { error: { message } } : undefined);
  });
});

describe('POST /v1_1/authorize/batch', () => {
  let env: Env;
  let narrowed: Key;
  const batch = (key: Key, checks: unknown) => send('post', '/v1_1/authorize/batch', key.auth, { checks });

  beforeAll(async () => {
    env = await newEnvironment();
    narrowed = await newKey(env, NARROW);
  });

  test('answers each check in order, as /authorize would', async () => {
    const checks = [
      { action: 'upload:destroy', resource: { folder: 'prod/x' } },
      { action: 'upload:upload', cloud_name: env.cloud_name },
      { action: 'admin:ping.read' },
      { action: 'upload:upload', cloud_name: uniqueCloudName('elsewhere') },
      { action: 'upload:destroy', resource: { folder: 'dev/x' } },
    ];
    const res = await batch(narrowed, checks);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      results: [
        decision(narrowed, 'DENIED_BY_RULE', env, 1),
        decision(narrowed, 'ALLOWED', env, 0),
        decision(narrowed, 'NO_MATCHING_RULE', env, null),
        decision(narrowed, 'WRONG_ENVIRONMENT', env, null),
        decision(narrowed, 'ALLOWED', env, 0),
      ],
    });
    for (const [i, check] of checks.entries()) expect(await decide(narrowed, check)).toEqual(res.body.results[i]);
  });

  test('an empty batch has no results; 100 checks are answered', async () => {
    expect((await batch(env.root, [])).body).toEqual({ results: [] });
    const res = await batch(
      env.root,
      Array.from({ length: 100 }, (_, i) => ({ action: i % 2 ? 'upload:destroy' : 'provisioning:account.read' })),
    );
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(100);
    expect(res.body.results.map((r: { reason: Reason }) => r.reason)).toEqual(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? 'ALLOWED' : 'NO_MATCHING_RULE')),
    );
  });

  const check = { action: 'upload:upload' };
  test.each([
    ['101 checks', Array(101).fill(check), { message: 'checks may hold at most 100 checks', path: 'checks' }],
    // The decision service, not the schema, finds the action unknown, and names the place in the message only.
    [
      'an unknown action in check 3',
      [check, check, check, { action: 'upload:nope' }],
      { message: 'checks[3].action: unknown action "upload:nope"' },
    ],
    ['a check without an action', [check, {}], { message: 'checks.1.action is required', path: 'checks[1].action' }],
    ['a check whose resource is not an object', [{ ...check, resource: 'x' }], { message: expect.any(String), path: 'checks[0].resource' }],
    ['a check that is not an object', [check, 'upload:upload'], { message: expect.any(String), path: 'checks[1]' }],
    ['a null check', [check, null], { message: expect.any(String), path: 'checks[1]' }],
  ])('%s → 400', async (_, checks, error) => {
    expectError(await batch(env.root, checks), 400, { error });
  });

  test('checks that are not an array → 400 saying so', async () => {
    const answers = await Promise.all([{ 0: check }, 'upload:upload', undefined, null].map((checks) => batch(env.root, checks)));
    for (const res of answers) expectError(res, 400, { error: { message: 'checks must be an array', path: 'checks' } });
  });
});

describe('GET /v1_1/keys/self', () => {
  const self = async (key: Key) => {
    const res = await send('get', '/v1_1/keys/self', key.auth);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['api_key', 'name', 'kind', 'account_id', 'environment', 'rules', 'default']);
    expect(JSON.stringify(res.body)).not.toContain(key.auth[1]);
    return res.body;
  };
  const described = (key: Key, env: Env | null, rules: Rule[], isDefault: boolean) => ({
    api_key: key.api_key,
    name: key.name,
    kind: key.kind,
    account_id: a.account_id,
    environment: env && { id: env.id, cloud_name: env.cloud_name },
    rules,
    default: isDefault,
  });

  test.each([
    ['an environment key', 'environment'],
    ['an account key', 'account'],
  ])('%s: its metadata and its default policy, then the policy set for it', async (_, kind) => {
    const env = kind === 'environment' ? await newEnvironment() : null;
    const key = await newKey(env);
    expect(await self(key)).toEqual(described(key, env, env ? ENV_DEFAULT : ACCOUNT_DEFAULT, true));
    await update(`${key.path}/permissions`, { rules: NARROW });
    expect(await self(key)).toEqual(described(key, env, NARROW, false));
  });

  test('the account Root key describes itself', async () => {
    expect(await self(rootOf(a))).toEqual(described(rootOf(a), null, ACCOUNT_DEFAULT, true));
  });
});

describe('GET /v1_1/permissions/catalog', () => {
  const expected = {
    plugins: BUILTIN_PLUGINS.map((p) => ({
      name: p.name,
      title: p.title,
      description: p.description,
      actions: p.actions.map((action) => ({
        name: `${p.name}:${action.name}`,
        description: action.description,
        attributes: action.attributes,
        scope: action.scope ?? 'environment',
      })),
    })),
    // What the policy validator refuses for each kind, so that a console offers only what a key can hold.
    key_kinds: [
      { kind: 'environment', excluded_prefixes: ['provisioning:'] },
      { kind: 'account', excluded_prefixes: [] },
      { kind: 'user', excluded_prefixes: [] },
    ],
  };

  test('any valid key reads every plugin, its actions and their attributes, and what each kind of key never holds', async () => {
    const env = await newEnvironment();
    const readers = [
      env.root,
      await newKey(env, NARROW),
      rootOf(a),
      await newKey(null, [{ effect: 'allow', actions: ['provisioning:account.read'] }]),
    ];
    const bodies = await Promise.all(readers.map(async (key) => (await send('get', '/v1_1/permissions/catalog', key.auth)).body));
    for (const body of bodies) expect(body).toEqual(expected);
    const { plugins } = bodies[0] as typeof expected;
    expect(plugins.map((p) => p.name)).toEqual(['provisioning', 'upload', 'admin']);
    for (const plugin of plugins) {
      expect(plugin.actions.length).toBeGreaterThan(0);
      for (const action of plugin.actions) {
        expect(action).toEqual({
          name: expect.stringMatching(new RegExp(`^${plugin.name}:[a-z_.]+$`)),
          description: expect.any(String),
          attributes: expect.any(Array),
          scope: expect.stringMatching(/^(environment|account)$/),
        });
        for (const attribute of action.attributes) {
          expect(attribute).toEqual({
            name: expect.any(String),
            type: expect.stringMatching(/^(string|number|boolean|string\[\])$/),
            description: expect.any(String),
          });
        }
      }
    }
    const destroy = plugins.flatMap((p) => p.actions).find((x) => x.name === 'upload:destroy');
    expect(destroy!.attributes).toContainEqual({ name: 'resource_type', type: 'string', description: expect.any(String) });
  });
});

describe('the decision routes refuse bad credentials', () => {
  const ROUTES: Array<[string, (as: Auth | null) => Test]> = [
    ['POST /v1_1/authorize', (as) => authorize(as, { action: 'upload:destroy' })],
    ['POST /v1_1/authorize/batch', (as) => send('post', '/v1_1/authorize/batch', as, { checks: [{ action: 'upload:destroy' }] })],
    ['GET /v1_1/keys/self', (as) => send('get', '/v1_1/keys/self', as)],
    ['GET /v1_1/permissions/catalog', (as) => send('get', '/v1_1/permissions/catalog', as)],
  ];
  let env: Env;
  let disabled: Key;
  let disabledAccountKey: Key;
  beforeAll(async () => {
    env = await newEnvironment();
    [disabled, disabledAccountKey] = [await newKey(env), await newKey(null)];
    await update(disabled.path, { enabled: false });
    await update(disabledAccountKey.path, { enabled: false });
  });

  const CREDENTIALS: Array<[string, () => Auth | null]> = [
    ['no credentials', () => null],
    ["another key's secret", () => [env.root.api_key, disabled.auth[1]]],
    ['a malformed secret', () => [env.root.api_key, 'not-a-secret']],
    ['an unknown key', () => ['999999999999999', env.root.auth[1]]],
    ['a disabled environment key', () => disabled.auth],
    ['a disabled account key', () => disabledAccountKey.auth],
  ];
  test.each(ROUTES.flatMap(([route]) => CREDENTIALS.map(([label]) => [route, label])))('%s with %s → 401', async (route, label) => {
    expectChallenge(await ROUTES.find(([r]) => r === route)![1](CREDENTIALS.find(([l]) => l === label)![1]()));
  });
});

describe('POST /v1_1/provisioning/accounts/:account_id/permissions/simulate', () => {
  const simulate = (body: object, as: Auth | null = a.auth) => send('post', `${a.base}/permissions/simulate`, as, body);
  const trace = (...entries: Array<[boolean, boolean | null, boolean]>) =>
    entries.map(([covers_action, conditions_match, decisive], rule) => ({
      rule,
      effect: TRACED[rule]!.effect,
      covers_action,
      conditions_match,
      decisive,
    }));
  /** What a simulation adds to a decision: whose rule decided, and the request facts it assumed (this test's own address, now). */
  const simulated = (decided_by: 'key' | 'role' | 'user' | null) => ({
    decided_by,
    assumed: { ip: expect.stringMatching(/127\.0\.0\.1|::1/), at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/) },
  });

  let env: Env;
  let foreignKey: string;
  beforeAll(async () => {
    env = await newEnvironment();
    foreignKey = (await newEnvironment(other)).root.api_key;
  });

  test.each([
    ['an environment key', 'environment'],
    ['an account key', 'account'],
  ])('%s: the decision, its policy and a trace of every rule', async (_, kind) => {
    const key = await newKey(kind === 'environment' ? env : null, TRACED);
    const home = kind === 'environment' ? env : null;
    const prod = await simulate({ api_key: key.api_key, action: 'upload:destroy', resource: { folder: 'prod/x' } });
    expect(prod.status).toBe(200);
    expect(prod.body).toEqual({
      ...decision(key, 'DENIED_BY_RULE', home, 1),
      ...simulated('key'),
      rules: TRACED,
      trace: trace([true, true, false], [true, true, true], [false, null, false]),
    });
    expect(Object.keys(prod.body)).toEqual(['allowed', 'reason', 'key', 'environment', 'rule', 'decided_by', 'rules', 'trace', 'assumed']);
    const dev = await simulate({ api_key: key.api_key, action: 'upload:destroy', resource: { folder: 'dev/x' } });
    expect(dev.body).toEqual({
      ...decision(key, 'ALLOWED', home, 0),
      ...simulated('key'),
      rules: TRACED,
      trace: trace([true, true, true], [true, false, false], [false, null, false]),
    });
    const ping = await simulate({ api_key: key.api_key, action: 'admin:ping.read', cloud_name: env.cloud_name });
    expect(ping.body).toEqual({
      ...decision(key, 'ALLOWED', env, 2),
      ...simulated('key'),
      rules: TRACED,
      trace: trace([false, null, false], [false, null, false], [true, true, true]),
    });
  });

  test('a key on its default policy is simulated with that policy, its secret unused', async () => {
    const res = await simulate({ api_key: env.root.api_key, action: 'upload:rename', cloud_name: env.cloud_name.toUpperCase() });
    expect(res.body).toEqual({
      ...decision(env.root, 'ALLOWED', env, 0),
      ...simulated('key'),
      rules: ENV_DEFAULT,
      trace: [{ rule: 0, effect: 'allow', covers_action: true, conditions_match: true, decisive: true }],
    });
    expect(JSON.stringify(res.body)).not.toContain(env.root.auth[1]);
  });

  test('the environment rules apply as in /authorize', async () => {
    const elsewhere = await newEnvironment();
    const res = await simulate({ api_key: env.root.api_key, action: 'upload:upload', cloud_name: elsewhere.cloud_name });
    expect(res.body).toMatchObject(decision(env.root, 'WRONG_ENVIRONMENT', env, null));
  });

  test.each([
    ['an environment key', 'environment'],
    ['an account key', 'account'],
  ])('%s that is disabled → allowed false, KEY_DISABLED', async (_, kind) => {
    const key = await newKey(kind === 'environment' ? env : null);
    await update(key.path, { enabled: false });
    const res = await simulate({ api_key: key.api_key, action: 'upload:upload' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ...decision(key, 'KEY_DISABLED', kind === 'environment' ? env : null, null),
      rules: kind === 'environment' ? ENV_DEFAULT : ACCOUNT_DEFAULT,
    });
  });

  test('a decision that no rule made has no decisive rule in its trace', async () => {
    const [disabledKey, offEnv] = [await newKey(env), await newEnvironment()];
    await update(disabledKey.path, { enabled: false });
    await update(offEnv.path, { enabled: false });
    const blocked: Array<[string, Reason]> = [
      [disabledKey.api_key, 'KEY_DISABLED'],
      [env.root.api_key, 'WRONG_ENVIRONMENT'],
      [offEnv.root.api_key, 'ENVIRONMENT_DISABLED'],
    ];
    const seen = [];
    for (const [apiKey, reason] of blocked) {
      const cloud_name = reason === 'WRONG_ENVIRONMENT' ? offEnv.cloud_name : undefined;
      const { body } = await simulate({ api_key: apiKey, action: 'upload:upload', cloud_name });
      const decisive = body.trace.filter((t: { decisive: boolean }) => t.decisive).map((t: { rule: number }) => t.rule);
      seen.push({ allowed: body.allowed, reason: body.reason, rule: body.rule, decisive });
    }
    expect(seen).toEqual(blocked.map(([, reason]) => ({ allowed: false, reason, rule: null, decisive: [] })));
  });

  test.each([
    ['an unknown api_key', () => '999999999999999'],
    ["a key of another account's environment", () => foreignKey],
    ["another account's Root key", () => other.api_key],
  ])('%s → 404', async (_, apiKey) => {
    expectError(await simulate({ api_key: apiKey(), action: 'upload:upload' }), 404);
  });
  test.each([
    ['an unknown action', { action: 'upload:nope' }, 'action: unknown action "upload:nope"'],
    ['a wildcard action', { action: 'video:*' }, 'action: unknown action "video:*"'],
    ['no action', {}, null],
    ['no api_key', { api_key: undefined, action: 'upload:upload' }, null],
    ['a resource that is not an object', { action: 'upload:upload', resource: [1] }, null],
  ])('%s → 400', async (_, body, message) => {
    expectError(await simulate({ api_key: env.root.api_key, ...body }), 400, message ? { error: { message } } : undefined);
  });

  const body = () => ({ api_key: env.root.api_key, action: 'upload:upload' });
  test.each([
    ['no credentials', () => null],
    ["another account's key on this account's path", () => other.auth],
  ])('%s → 401', async (_, as) => {
    expectChallenge(await simulate(body(), as()));
  });

  test.each([
    ['an environment key', () => env.root.auth],
    [
      'an account key narrowed to other actions',
      async () => (await newKey(null, [{ effect: 'allow', actions: ['provisioning:account.read', 'upload:*'] }])).auth,
    ],
  ])('%s → 403', async (_, as) => {
    expectError(await simulate(body(), await as()), 403, { error: { message: 'Not allowed: provisioning:permissions.simulate' } });
  });

  test('an account key narrowed to simulating and reading environment keys may simulate them; reading is what it needs', async () => {
    const auditor = await newKey(null, [
      { effect: 'allow', actions: ['provisioning:permissions.simulate', 'provisioning:access_keys.permissions.read'] },
    ]);
    const res = await simulate(body(), auditor.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(decision(env.root, 'ALLOWED', env, 0));
    const blind = await newKey(null, [{ effect: 'allow', actions: ['provisioning:permissions.simulate'] }]);
    const refused = await simulate(body(), blind.auth);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 403,
      body: { error: { message: 'Not allowed: provisioning:access_keys.permissions.read' } },
    });
  });
});

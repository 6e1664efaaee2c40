import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../libs/credentials/src/api-key.entity.js';
import { PermissionCatalog, SYSTEM_ROLES, SystemRole } from '@castellan/permissions';
import { startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { allow, bind, Credentials, deny, expectErrorMessage, Json, ok, Rule } from './support/http.js';

// The simulator answers exactly what a real request with the key's secret would: the same decision, reason, rule
// and environment, or, where the real request is refused before any decision (401), the reason it is refused. A
// property test compares the two for generated keys, policies, states and checks; the cases issue 15 reported
// come first.

let server: TestServer;
let a: TestAccount;
const { call } = bind(() => server);
beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Simulation');
});
afterAll(() => server.close());

let serial = 0;
const next = () => `${++serial}-${Date.now().toString(36)}`;

interface Env {
  id: string;
  cloudName: string;
}
const newEnvironment = async (): Promise<Env> => {
  const env = ok(await call('post', `${a.base}/sub_accounts`, a.auth, { name: `env ${next()}`, cloud_name: uniqueCloudName('sim') }));
  return { id: env.id, cloudName: env.cloud_name };
};
const newRole = async (rules: Rule[]): Promise<string> =>
  ok(await call('post', `${a.base}/roles`, a.auth, { name: `role ${next()}`, rules })).id;

interface Key {
  apiKey: string;
  auth: Credentials;
  /** Below the account's base path. */
  path: string;
}
async function keyIn(collection: string): Promise<Key> {
  const key = ok(await call('post', `${a.base}${collection}`, a.auth, { name: `k${next()}` }));
  return { apiKey: key.api_key, auth: [key.api_key, key.api_secret], path: `${collection}/${key.api_key}` };
}

const simulate = async (body: Record<string, unknown>): Promise<Json> =>
  ok(await call('post', `${a.base}/permissions/simulate`, a.auth, body));

describe('what issue 15 found', () => {
  test("an environment key whose own deny a role's allow overrides is ALLOWED by the role: none of its own rules is decisive", async () => {
    const env = await newEnvironment();
    const key = await keyIn(`/sub_accounts/${env.id}/access_keys`);
    ok(
      await call('put', `${a.base}${key.path}/permissions`, a.auth, {
        rules: [deny('upload:destroy')],
        roles: [await newRole([allow('upload:destroy')])],
      }),
    );
    const real = ok(await call('post', '/v1_1/authorize', key.auth, { action: 'upload:destroy' }));
    const simulated = await simulate({ api_key: key.apiKey, action: 'upload:destroy' });
    expect(real).toMatchObject({ allowed: true, reason: 'ALLOWED', rule: null });
    expect(simulated).toMatchObject({ allowed: true, reason: 'ALLOWED', rule: null, decided_by: 'role' });
    expect(simulated.trace).toEqual([{ rule: 0, effect: 'deny', covers_action: true, conditions_match: true, decisive: false }]);
  });

  test("an admin's key refused by its user's privileges points at none of the key's own rules", async () => {
    const user = ok(await call('post', `${a.base}/users`, a.auth, { name: 'Admin', email: `admin${next()}@example.com`, role: 'admin' }));
    const key = await keyIn(`/users/${user.id}/api_keys`);
    const plain = await simulate({ api_key: key.apiKey, action: 'provisioning:security.update' });
    expect(plain).toMatchObject({ allowed: false, reason: 'DENIED_BY_RULE', rule: null, decided_by: 'user', rules: [], trace: [] });
    ok(await call('put', `${a.base}${key.path}/permissions`, a.auth, { rules: [allow('upload:upload'), allow('provisioning:*')] }));
    const narrowed = await simulate({ api_key: key.apiKey, action: 'provisioning:security.update' });
    expect(narrowed).toMatchObject({ allowed: false, reason: 'DENIED_BY_RULE', rule: null, decided_by: 'user' });
    expect(narrowed.trace.map((t: Json) => t.decisive)).toEqual([false, false]);
    expect(ok(await call('post', '/v1_1/authorize', key.auth, { action: 'provisioning:security.update' }))).toMatchObject({
      reason: 'DENIED_BY_RULE',
      rule: null,
    });
  });

  test('an expired key, and a key whose allowlist leaves out the address, are what a real request is refused for', async () => {
    const expired = await keyIn('/account_api_keys');
    await server.app
      .get(DataSource)
      .getRepository(ApiKeyEntity)
      .update({ apiKey: expired.apiKey }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await simulate({ api_key: expired.apiKey, action: 'upload:upload' })).toMatchObject({
      allowed: false,
      reason: 'KEY_EXPIRED',
      rule: null,
    });
    expect((await call('post', '/v1_1/authorize', expired.auth, { action: 'upload:upload' })).status).toBe(401);

    const fenced = await keyIn('/account_api_keys');
    ok(await call('put', `${a.base}${fenced.path}`, a.auth, { allowed_ips: ['203.0.113.0/24'] }));
    const here = await simulate({ api_key: fenced.apiKey, action: 'upload:upload' });
    expect(here).toMatchObject({ allowed: false, reason: 'IP_NOT_ALLOWED', assumed: { ip: expect.stringMatching(/127\.0\.0\.1/) } });
    expect((await call('post', '/v1_1/authorize', fenced.auth, { action: 'upload:upload' })).status).toBe(401);
    // From an address inside the list, it would be decided.
    const there = await simulate({ api_key: fenced.apiKey, action: 'upload:upload', ip: '203.0.113.7' });
    expect(there).toMatchObject({ allowed: true, reason: 'ALLOWED', assumed: { ip: '203.0.113.7' } });
  });

  test('a key of a disabled user is USER_UNAVAILABLE; a disabled key KEY_DISABLED', async () => {
    const user = ok(
      await call('post', `${a.base}/users`, a.auth, { name: 'Gone', email: `gone${next()}@example.com`, role: 'technical_admin' }),
    );
    const key = await keyIn(`/users/${user.id}/api_keys`);
    ok(await call('put', `${a.base}/users/${user.id}`, a.auth, { enabled: false }));
    expect(await simulate({ api_key: key.apiKey, action: 'upload:upload' })).toMatchObject({ allowed: false, reason: 'USER_UNAVAILABLE' });
    const off = await keyIn('/account_api_keys');
    ok(await call('put', `${a.base}${off.path}`, a.auth, { enabled: false }));
    expect(await simulate({ api_key: off.apiKey, action: 'upload:upload' })).toMatchObject({ allowed: false, reason: 'KEY_DISABLED' });
  });

  test.each(['not an address', '300.1.1.1', '10.0.0.0/8'])('an ip that is not an address (%s) is a 400', async (ip) => {
    const key = await keyIn('/account_api_keys');
    expectErrorMessage(
      await call('post', `${a.base}/permissions/simulate`, a.auth, { api_key: key.apiKey, action: 'upload:upload', ip }),
      400,
      'ip must be an IPv4 or IPv6 address',
    );
  });
});

/** A key, its policy and its state, as the property generates them. */
interface KeyPlan {
  kind: 'environment' | 'account' | 'user';
  env: number;
  rules: Rule[] | null;
  roles: number[];
  role: SystemRole;
  reach: number[] | null;
  enabled: boolean;
  userEnabled: boolean;
  expired: boolean;
  fenced: boolean;
}

describe('the simulator answers what a real request gets', () => {
  const ENVIRONMENTS = 2;
  let envs: Env[];
  let roles: string[];
  let offEnv: Env;
  beforeAll(async () => {
    envs = [await newEnvironment(), await newEnvironment()];
    offEnv = await newEnvironment();
    ok(await call('put', `${a.base}/sub_accounts/${offEnv.id}`, a.auth, { enabled: false }));
    roles = [
      await newRole([allow('upload:*'), deny('upload:destroy')]),
      await newRole([allow('admin:*'), allow('upload:destroy', 'upload:rename')]),
    ];
  });

  test('for generated keys, policies, states and checks', async () => {
    const catalog = server.app.get(PermissionCatalog).all();
    const actions = catalog.map((action) => action.name);
    const foldered = catalog
      .filter((action) => action.attributes.some((attribute) => attribute.name === 'folder'))
      .map((action) => action.name);
    const rule: fc.Arbitrary<Rule> = fc.oneof(
      fc.record({
        effect: fc.constantFrom<Rule['effect']>('allow', 'deny'),
        actions: fc.uniqueArray(fc.constantFrom('*', 'upload:*', 'admin:*', 'provisioning:*', ...actions), { minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        effect: fc.constantFrom<Rule['effect']>('allow', 'deny'),
        actions: fc.uniqueArray(fc.constantFrom(...foldered), { minLength: 1, maxLength: 3 }),
        conditions: fc.constant({ folder: 'a' }),
      }),
    );
    // Most keys can be used; some are disabled, expired, fenced out, or of a disabled user, alone or together.
    const mostly = (value: boolean) =>
      fc.oneof({ weight: 6, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.constant(!value) });
    const plan = fc.record({
      key: fc.record({
        kind: fc.constantFrom<KeyPlan['kind']>('environment', 'account', 'user'),
        env: fc.nat({ max: ENVIRONMENTS }),
        rules: fc.option(fc.array(rule, { maxLength: 4 }), { nil: null }),
        roles: fc.uniqueArray(fc.nat({ max: 1 }), { maxLength: 2 }),
        role: fc.constantFrom(...SYSTEM_ROLES),
        reach: fc.option(fc.uniqueArray(fc.nat({ max: ENVIRONMENTS - 1 }), { maxLength: 1 }), { nil: null }),
        enabled: mostly(true),
        userEnabled: mostly(true),
        expired: mostly(false),
        fenced: mostly(false),
      }),
      checks: fc.array(
        fc.record({
          action: fc.constantFrom(...actions),
          place: fc.option(fc.nat({ max: ENVIRONMENTS + 1 }), { nil: null }),
          folder: fc.constantFrom<'a' | 'b' | null>('a', 'b', null),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    let compared = 0;
    let refusedReal = 0;
    await fc.assert(
      fc.asyncProperty(plan, async ({ key: k, checks }) => {
        const key = await makeKey(k);
        for (const check of checks) {
          compared++;
          const cloudName =
            check.place === null
              ? undefined
              : check.place < ENVIRONMENTS
                ? envs[check.place]!.cloudName
                : check.place === ENVIRONMENTS
                  ? offEnv.cloudName
                  : 'no-such-cloud';
          const body = {
            action: check.action,
            ...(cloudName ? { cloud_name: cloudName } : {}),
            ...(check.folder ? { resource: { folder: check.folder } } : {}),
          };
          const real = await call('post', '/v1_1/authorize', key.auth, body);
          const simulated = await simulate({ api_key: key.apiKey, ...body });
          const { decided_by, rules, trace, assumed: _, ...decision } = simulated;
          if (real.status === 401) {
            refusedReal++;
            expect({ check, simulated: decision.reason }).toEqual({
              check,
              simulated: expect.stringMatching(/^(KEY_DISABLED|KEY_EXPIRED|IP_NOT_ALLOWED|USER_UNAVAILABLE)$/),
            });
            expect(decision).toMatchObject({ allowed: false, rule: null });
            continue;
          }
          expect({ check, decision }).toEqual({ check, decision: ok(real) });
          // The trace tells the truth: a rule of the key's own is decisive exactly when it decided, and it says so.
          const decisive = trace.filter((t: Json) => t.decisive).map((t: Json) => t.rule);
          expect({ check, decisive }).toEqual({ check, decisive: decided_by === 'key' ? [decision.rule] : [] });
          if (decision.rule !== null) {
            expect(trace[decision.rule]).toMatchObject({
              covers_action: true,
              conditions_match: true,
              effect: decision.allowed ? 'allow' : 'deny',
            });
            expect(rules[decision.rule].effect).toBe(decision.allowed ? 'allow' : 'deny');
          }
        }
      }),
      { seed: 15, numRuns: 60 },
    );
    // Both sides of the comparison came up.
    expect(refusedReal).toBeGreaterThan(10);
    expect(compared - refusedReal).toBeGreaterThan(50);
  }, 600_000);

  async function makeKey(k: KeyPlan): Promise<Key> {
    let key: Key;
    if (k.kind === 'user') {
      const reach = k.reach === null ? { all_sub_accounts: true } : { sub_account_ids: k.reach.map((i) => envs[i]!.id) };
      const user = ok(
        await call('post', `${a.base}/users`, a.auth, { name: 'P', email: `p${next()}@example.com`, role: k.role, ...reach }),
      );
      key = await keyIn(`/users/${user.id}/api_keys`);
      if (k.rules) ok(await call('put', `${a.base}${key.path}/permissions`, a.auth, { rules: k.rules }));
      if (!k.userEnabled && k.role !== 'master_admin') ok(await call('put', `${a.base}/users/${user.id}`, a.auth, { enabled: false }));
    } else {
      const environment = k.env < ENVIRONMENTS ? envs[k.env]! : offEnv;
      key = await keyIn(k.kind === 'account' ? '/account_api_keys' : `/sub_accounts/${environment.id}/access_keys`);
      const envRules = k.rules
        ?.map((r) => ({ ...r, actions: r.actions.filter((x) => !x.startsWith('provisioning:') && x !== '*') }))
        .filter((r) => r.actions.length);
      const rules = k.kind === 'environment' ? envRules : k.rules;
      if (rules || k.roles.length)
        ok(await call('put', `${a.base}${key.path}/permissions`, a.auth, { rules: rules ?? [], roles: k.roles.map((i) => roles[i]) }));
    }
    if (k.fenced) ok(await call('put', `${a.base}${key.path}`, a.auth, { allowed_ips: ['203.0.113.0/24'] }));
    if (!k.enabled) ok(await call('put', `${a.base}${key.path}`, a.auth, { enabled: false }));
    if (k.expired)
      await server.app
        .get(DataSource)
        .getRepository(ApiKeyEntity)
        .update({ apiKey: key.apiKey }, { expiresAt: new Date(Date.now() - 1000) });
    return key;
  }
});

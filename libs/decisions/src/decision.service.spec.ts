import 'reflect-metadata';
import type { EnvironmentState, Principal } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';
import { AppError, ErrorCode } from '@castellan/core';
import type { VerifiedKey } from '@castellan/credentials';
import { PermissionCatalog } from '@castellan/permissions';
import { adminPlugin } from '@castellan/permissions';
import { provisioningPlugin } from '@castellan/permissions';
import { uploadPlugin } from '@castellan/permissions';
import { PolicyCompiler } from '@castellan/permissions';
import { DecisionService } from './decision.service.js';
import type { BatchDecisionDto, DecisionDto, KeySelfDto, SimulationDto } from './dto/decision.dto.js';
import { construct, refusal, standIns } from '../../../test/support/stand-ins.js';

// Decisions with the real catalogue and policy engine, and stand-ins for what is read from the database: where a
// check lands (the environment it names, or the key's own), why it cannot proceed, which rule decided, and what a
// simulation says of a key a real request would be refused with.

const catalog = new PermissionCatalog([provisioningPlugin, uploadPlugin, adminPlugin]);
const policies = new PolicyCompiler(catalog);

const ENVIRONMENTS: EnvironmentState[] = [
  { id: 'e1', cloudName: 'product1', enabled: true },
  { id: 'e2', cloudName: 'product2', enabled: true },
  { id: 'e3', cloudName: 'frozen3', enabled: false },
];

const allow = (...actions: string[]): PolicyRule => ({ effect: 'allow', actions });
const deny = (...actions: string[]): PolicyRule => ({ effect: 'deny', actions });

const key = (fields: Partial<Principal>): Principal => ({
  kind: 'account',
  keyId: 'k-account',
  apiKey: '100000000000001',
  name: 'Root',
  accountId: 'acc',
  environmentId: null,
  rules: null,
  userId: null,
  userPolicies: null,
  environmentIds: null,
  rolePolicies: [],
  rateLimitPerMinute: null,
  environment: null,
  ...fields,
});

/** A key of one environment: it acts there. */
const environmentKey = (keyId: string, apiKey: string, environment: EnvironmentState): Principal =>
  key({ kind: 'environment', keyId, apiKey, environmentId: environment.id, environment });

const ACCOUNT_KEY = key({});
const ENV_KEY = environmentKey('k-env', '200000000000002', ENVIRONMENTS[0]!);
const FROZEN_KEY = environmentKey('k-frozen', '300000000000003', ENVIRONMENTS[2]!);
const USER_KEY = key({
  kind: 'user',
  keyId: 'k-user',
  apiKey: '400000000000004',
  name: 'mine',
  userId: 'u1',
  userPolicies: [[allow('*')]],
  environmentIds: ['e1'],
});

const verified = (principal: Principal, fields: Partial<VerifiedKey> = {}): VerifiedKey => ({
  principal,
  secretHash: '',
  previousSecretHash: null,
  previousSecretExpiresAt: null,
  enabled: true,
  expiresAt: null,
  allowedIps: null,
  accountRanges: null,
  usable: true,
  ...fields,
});

/** A check as a test writes it: the fields a body leaves out are undefined, as the schema gives them. */
type Check = { action: string; cloud_name?: string; resource?: Record<string, unknown> };

/** The service's methods, taking checks as a test writes them. */
interface Decisions {
  authorize(caller: Principal, check: Check): Promise<DecisionDto>;
  authorizeBatch(caller: Principal, batch: { checks: Check[] }): Promise<BatchDecisionDto>;
  simulate(caller: Principal, input: Check & { api_key: string; ip?: string }, requestIp: string): Promise<SimulationDto>;
  self(caller: Principal): KeySelfDto;
}

function decisions(keys: VerifiedKey[] = [], refuse: string[] = []) {
  const counted: { apiKey: string; allowed: boolean }[] = [];
  const required: { action: string; place?: unknown }[] = [];
  const owners: object[] = [
    catalog,
    policies,
    {
      findByCloudName: (accountId: string, cloudName: string) =>
        Promise.resolve(accountId === 'acc' ? (ENVIRONMENTS.find((e) => e.cloudName === cloudName.toLowerCase()) ?? null) : null),
    },
    {
      load: (apiKey: string, accountId: string) =>
        Promise.resolve(keys.find((k) => k.principal.apiKey === apiKey && k.principal.accountId === accountId) ?? null),
    },
    {
      require: (_: Principal, action: string, place?: unknown) => {
        required.push(place === undefined ? { action } : { action, place });
        if (refuse.includes(action)) throw AppError.notAllowed(action);
      },
    },
    { count: (k: Principal, allowed: boolean) => void counted.push({ apiKey: k.apiKey, allowed }) },
  ];
  // Each dependency is found by the members it has, whatever its place in the constructor.
  const service = construct(DecisionService, standIns(...owners)) as unknown as Decisions;
  return { service, counted, required };
}

describe('DecisionService.authorize: where a check lands', () => {
  const { service } = decisions();

  test('an environment key acts in its own environment, whose name may be given in any case', async () => {
    for (const cloud_name of [undefined, 'product1', 'PRODUCT1']) {
      expect(await service.authorize(ENV_KEY, { action: 'upload:upload', cloud_name })).toEqual({
        allowed: true,
        reason: 'ALLOWED',
        key: { api_key: '200000000000002', name: 'Root', kind: 'environment' },
        environment: { id: 'e1', cloud_name: 'product1' },
        rule: 0,
      });
    }
  });

  test('an environment key naming another environment is refused, whatever its rules, in its own environment', async () => {
    expect(await service.authorize(ENV_KEY, { action: 'upload:upload', cloud_name: 'product2' })).toMatchObject({
      allowed: false,
      reason: 'WRONG_ENVIRONMENT',
      environment: { id: 'e1', cloud_name: 'product1' },
      rule: null,
    });
  });

  test('a disabled environment refuses everything', async () => {
    expect(await service.authorize(FROZEN_KEY, { action: 'upload:upload' })).toMatchObject({
      allowed: false,
      reason: 'ENVIRONMENT_DISABLED',
      rule: null,
    });
    expect(await service.authorize(ACCOUNT_KEY, { action: 'upload:upload', cloud_name: 'frozen3' })).toMatchObject({
      allowed: false,
      reason: 'ENVIRONMENT_DISABLED',
      environment: { id: 'e3', cloud_name: 'frozen3' },
    });
  });

  test('an account key acts in any environment of its account, named by cloud_name', async () => {
    expect(await service.authorize(ACCOUNT_KEY, { action: 'upload:upload', cloud_name: 'Product2' })).toMatchObject({
      allowed: true,
      environment: { id: 'e2', cloud_name: 'product2' },
    });
  });

  test('a cloud_name the account does not have is the wrong environment, with none to show', async () => {
    expect(await service.authorize(ACCOUNT_KEY, { action: 'upload:upload', cloud_name: 'elsewhere' })).toMatchObject({
      allowed: false,
      reason: 'WRONG_ENVIRONMENT',
      environment: null,
    });
    expect(
      await service.authorize({ ...ACCOUNT_KEY, accountId: 'other' }, { action: 'upload:upload', cloud_name: 'product1' }),
    ).toMatchObject({
      reason: 'WRONG_ENVIRONMENT',
      environment: null,
    });
  });

  test('a user key acts where its user reaches, and must name the environment of an environment action', async () => {
    expect(await service.authorize(USER_KEY, { action: 'upload:upload', cloud_name: 'product1' })).toMatchObject({
      allowed: true,
      reason: 'ALLOWED',
    });
    expect(await service.authorize(USER_KEY, { action: 'upload:upload', cloud_name: 'product2' })).toMatchObject({
      allowed: false,
      reason: 'WRONG_ENVIRONMENT',
      environment: { id: 'e2', cloud_name: 'product2' },
    });
    expect(await service.authorize(USER_KEY, { action: 'upload:upload' })).toMatchObject({
      allowed: false,
      reason: 'WRONG_ENVIRONMENT',
      environment: null,
    });
    // An account action needs no environment.
    expect(await service.authorize(USER_KEY, { action: 'provisioning:account.read' })).toMatchObject({ allowed: true, environment: null });
  });

  test('a user reaching every environment needs none named', async () => {
    expect(await service.authorize({ ...USER_KEY, environmentIds: null }, { action: 'upload:upload' })).toMatchObject({ allowed: true });
  });
});

describe('DecisionService.authorize: which rule decided', () => {
  const { service } = decisions();

  test("the index of the key's own rule that decided, a deny beating an allow", async () => {
    const narrowed = { ...ENV_KEY, rules: [allow('upload:*'), deny('upload:destroy')] };
    expect(await service.authorize(narrowed, { action: 'upload:upload' })).toMatchObject({ allowed: true, reason: 'ALLOWED', rule: 0 });
    expect(await service.authorize(narrowed, { action: 'upload:destroy' })).toMatchObject({
      allowed: false,
      reason: 'DENIED_BY_RULE',
      rule: 1,
    });
    expect(await service.authorize(narrowed, { action: 'admin:ping.read' })).toMatchObject({
      allowed: false,
      reason: 'NO_MATCHING_RULE',
      rule: null,
    });
  });

  test('conditions are read from the resource', async () => {
    const narrowed = {
      ...ENV_KEY,
      rules: [{ effect: 'allow' as const, actions: ['upload:destroy'], conditions: { folder: { $regex: '^public/' } } }],
    };
    expect(await service.authorize(narrowed, { action: 'upload:destroy', resource: { folder: 'public/cats' } })).toMatchObject({
      allowed: true,
      rule: 0,
    });
    expect(await service.authorize(narrowed, { action: 'upload:destroy', resource: { folder: 'private/cats' } })).toMatchObject({
      allowed: false,
      rule: null,
    });
    expect(await service.authorize(narrowed, { action: 'upload:destroy' })).toMatchObject({ allowed: false, reason: 'NO_MATCHING_RULE' });
  });

  test("a rule of a custom role or of the user's privileges is no index into the key's own rules", async () => {
    const withRole = { ...ACCOUNT_KEY, rules: [allow('provisioning:account.read')], rolePolicies: [[allow('upload:*')]] };
    expect(await service.authorize(withRole, { action: 'upload:upload', cloud_name: 'product1' })).toMatchObject({
      allowed: true,
      rule: null,
    });
    expect(await service.authorize(USER_KEY, { action: 'upload:upload', cloud_name: 'product1' })).toMatchObject({
      allowed: true,
      rule: null,
    });
  });

  test('an environment key never holds a provisioning action, whatever it is given', async () => {
    expect(await service.authorize({ ...ENV_KEY, rules: [allow('*')] }, { action: 'provisioning:account.read' })).toMatchObject({
      allowed: false,
      reason: 'NO_MATCHING_RULE',
    });
  });
});

describe('DecisionService: checks that break their rule', () => {
  test('an action the catalogue does not hold, or a wildcard, is a 400 naming it', async () => {
    const { service, counted } = decisions();
    for (const action of ['upload:nope', 'upload:*', '*', 'UPLOAD:UPLOAD']) {
      expect(await refusal(() => service.authorize(ENV_KEY, { action }))).toEqual({
        code: ErrorCode.InvalidInput,
        message: `action: unknown action "${action}"`,
      });
    }
    expect(counted).toEqual([]);
  });

  test('a resource attribute of the wrong type is a 400 naming the attribute and the action', async () => {
    const { service } = decisions();
    expect(await refusal(() => service.authorize(ENV_KEY, { action: 'upload:destroy', resource: { folder: 5 } }))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'resource.folder must be a string for upload:destroy',
    });
    expect(await refusal(() => service.authorize(ENV_KEY, { action: 'upload:destroy', resource: { tags: 'cat' } }))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'resource.tags must be a string[] for upload:destroy',
    });
    // Attributes the action does not declare, and null, are left alone.
    expect(await service.authorize(ENV_KEY, { action: 'upload:destroy', resource: { folder: null, other: { deep: [1] } } })).toMatchObject({
      allowed: true,
    });
  });

  test('a batch names the check that is wrong, and decides (and counts) nothing when one is', async () => {
    const { service, counted } = decisions();
    const checks = [{ action: 'upload:upload' }, { action: 'upload:destroy', resource: { folder: ['a'] } }];
    expect(await refusal(() => service.authorizeBatch(ENV_KEY, { checks }))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'checks[1].resource.folder must be a string for upload:destroy',
    });
    expect(await refusal(() => service.authorizeBatch(ENV_KEY, { checks: [{ action: 'upload:upload' }, { action: 'x' }] }))).toMatchObject({
      message: 'checks[1].action: unknown action "x"',
    });
    expect(counted).toEqual([]);
  });
});

describe('DecisionService: counting uses of the key', () => {
  test('each decision counts as an allowed or a denied use of the calling key', async () => {
    const { service, counted } = decisions();
    await service.authorize(ENV_KEY, { action: 'upload:upload' });
    await service.authorize(ENV_KEY, { action: 'upload:upload', cloud_name: 'product2' });
    const { results } = await service.authorizeBatch(ENV_KEY, {
      checks: [{ action: 'upload:destroy' }, { action: 'provisioning:account.read' }],
    });
    expect(results.map((r) => r.allowed)).toEqual([true, false]);
    expect(counted).toEqual([
      { apiKey: ENV_KEY.apiKey, allowed: true },
      { apiKey: ENV_KEY.apiKey, allowed: false },
      { apiKey: ENV_KEY.apiKey, allowed: true },
      { apiKey: ENV_KEY.apiKey, allowed: false },
    ]);
  });
});

describe('DecisionService.simulate', () => {
  const check = { action: 'upload:destroy', api_key: ENV_KEY.apiKey };

  test("a key of the account: the decision, whose rule made it, the key's rules with their trace, and what was assumed", async () => {
    const narrowed = { ...ENV_KEY, rules: [allow('upload:*'), deny('upload:destroy')] };
    const { service, counted, required } = decisions([verified(narrowed)]);
    const simulation = await service.simulate(ACCOUNT_KEY, check, '203.0.113.7');
    expect(simulation).toMatchObject({
      allowed: false,
      reason: 'DENIED_BY_RULE',
      rule: 1,
      decided_by: 'key',
      rules: narrowed.rules,
      environment: { id: 'e1', cloud_name: 'product1' },
      assumed: { ip: '203.0.113.7' },
    });
    expect(simulation.trace.map((t) => [t.rule, t.covers_action, t.decisive])).toEqual([
      [0, true, false],
      [1, true, true],
    ]);
    expect(simulation.assumed.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    // Reading the key's rules is what the caller needs; the simulation counts no use of any key.
    expect(required).toEqual([{ action: 'provisioning:access_keys.permissions.read', place: { environmentId: 'e1' } }]);
    expect(counted).toEqual([]);
  });

  test("a key with no rules of its own shows its kind's default", async () => {
    const { service } = decisions([verified(ENV_KEY)]);
    expect(await service.simulate(ACCOUNT_KEY, { action: 'upload:upload', api_key: ENV_KEY.apiKey }, '::1')).toMatchObject({
      allowed: true,
      rule: 0,
      decided_by: 'key',
      rules: [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }],
    });
  });

  test.each([
    ['a disabled key', { enabled: false }, 'KEY_DISABLED'],
    ['an expired key', { expiresAt: Date.now() - 1 }, 'KEY_EXPIRED'],
    ["an address outside the key's allowlist", { allowedIps: ['10.0.0.0/8'] }, 'IP_NOT_ALLOWED'],
    ["an address outside the account's allowlist", { accountRanges: ['10.0.0.0/8'] }, 'IP_NOT_ALLOWED'],
    ['a key of a disabled user', { usable: false }, 'USER_UNAVAILABLE'],
  ])('%s is reported with the reason a real request would be refused for', async (_, fields, reason) => {
    const { service } = decisions([verified(ENV_KEY, fields)]);
    const simulation = await service.simulate(ACCOUNT_KEY, { action: 'upload:upload', api_key: ENV_KEY.apiKey }, '203.0.113.7');
    expect(simulation).toMatchObject({ allowed: false, reason, rule: null, decided_by: null });
    // No rule decided, whatever the policy says.
    expect(simulation.trace.some((t) => t.decisive)).toBe(false);
  });

  test('the address simulated is the one given, or the caller’s own', async () => {
    const { service } = decisions([verified(ENV_KEY, { allowedIps: ['10.0.0.0/8'] })]);
    expect(
      await service.simulate(ACCOUNT_KEY, { action: 'upload:upload', api_key: ENV_KEY.apiKey, ip: '10.1.2.3' }, '203.0.113.7'),
    ).toMatchObject({
      allowed: true,
      assumed: { ip: '10.1.2.3' },
    });
    expect(await service.simulate(ACCOUNT_KEY, { action: 'upload:upload', api_key: ENV_KEY.apiKey }, '10.1.2.3')).toMatchObject({
      allowed: true,
    });
  });

  test('a key that is not of the caller’s account is not found', async () => {
    const { service } = decisions([verified({ ...ENV_KEY, accountId: 'other' })]);
    expect(await refusal(() => service.simulate(ACCOUNT_KEY, check, '::1'))).toEqual({
      code: ErrorCode.NotFound,
      message: `Key ${ENV_KEY.apiKey} not found`,
    });
  });

  test.each([
    ['an account key', ACCOUNT_KEY, { action: 'provisioning:account_api_keys.permissions.read' }],
    ["the caller's own user's key", { ...USER_KEY, apiKey: '400000000000005' }, { action: 'provisioning:own_api_keys.read' }],
    ["another user's key", { ...USER_KEY, apiKey: '400000000000006', userId: 'u2' }, { action: 'provisioning:user_api_keys.read' }],
  ])("simulating %s needs the right to read that kind of key's permissions", async (_, subject, needed) => {
    const caller = { ...USER_KEY, environmentIds: null };
    const { service, required } = decisions([verified(subject)]);
    await service.simulate(caller, { action: 'provisioning:account.read', api_key: subject.apiKey }, '::1');
    expect(required).toEqual([needed]);
  });

  test('a caller without that right is refused before anything is decided', async () => {
    const { service } = decisions([verified(ENV_KEY)], ['provisioning:access_keys.permissions.read']);
    expect(await refusal(() => service.simulate(USER_KEY, check, '::1'))).toEqual({
      code: ErrorCode.NotAllowed,
      message: 'Not allowed: provisioning:access_keys.permissions.read',
    });
  });

  test('an environment the caller does not reach cannot be simulated in', async () => {
    const { service } = decisions([verified(ACCOUNT_KEY)]);
    expect(
      await refusal(() =>
        service.simulate(USER_KEY, { action: 'upload:upload', api_key: ACCOUNT_KEY.apiKey, cloud_name: 'product2' }, '::1'),
      ),
    ).toEqual({
      code: ErrorCode.NotAllowed,
      message: 'Not allowed: provisioning:permissions.simulate in product environment e2',
    });
  });
});

describe('DecisionService.self', () => {
  const { service } = decisions();

  test('the calling key, its environment and its effective rules; default while it has none of its own', () => {
    expect(service.self(ENV_KEY)).toEqual({
      api_key: ENV_KEY.apiKey,
      name: 'Root',
      kind: 'environment',
      account_id: 'acc',
      environment: { id: 'e1', cloud_name: 'product1' },
      rules: [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }],
      default: true,
    });
    expect(service.self({ ...ACCOUNT_KEY, rules: [] })).toMatchObject({ environment: null, rules: [], default: false });
    expect(service.self(USER_KEY)).toMatchObject({ rules: [], default: true });
  });
});

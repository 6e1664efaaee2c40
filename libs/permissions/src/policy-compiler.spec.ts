import type { PolicyRule } from '@castellan/core';
import { PermissionCatalog } from './catalog.js';
import { compilePolicy } from './compiled-policy.js';
import { holdsWithin, type Holdings, reaches } from './holdings.js';
import { effectiveRules, KIND_POLICIES } from './key-policies.js';
import { PolicyCompiler } from './policy-compiler.js';
import { MAX_ACTIONS_PER_RULE } from './policy-validator.js';
import { PrincipalPolicy } from './principal-policy.js';
import { validateResource } from './resource-validator.js';
import { catalog as files } from './test-catalog.fixture.js';

// How a principal's rules become its policy (kinds' defaults, the prefix a kind never holds, a user key's layers),
// what a key made by a maker may hold, and the checks of a decision's resource. Pure: the catalogue is a fixture.

const plugin = (name: string, action: string, scope?: 'account') => ({
  name,
  title: name,
  description: 'test',
  actions: [{ name: action, description: action, attributes: [], ...(scope ? { scope } : {}) }],
});
// The fixture's plugins, an account action, and the two plugins an environment key's default names.
const catalog = new PermissionCatalog([
  ...files.plugins,
  plugin('acct', 'manage', 'account'),
  plugin('upload', 'upload'),
  plugin('admin', 'ping'),
]);

const allow = (...actions: string[]): PolicyRule => ({ effect: 'allow', actions });
const deny = (...actions: string[]): PolicyRule => ({ effect: 'deny', actions });

const holdings = (rules: PolicyRule[], reach: readonly string[] | null = null): Holdings => ({
  policy: new PrincipalPolicy([[compilePolicy(rules, catalog)]]),
  reach,
});

describe('effectiveRules and the kinds of keys', () => {
  test("a key without rules of its own has its kind's default; rules it has, even none, are its own", () => {
    expect(effectiveRules('environment', null)).toEqual([{ effect: 'allow', actions: ['upload:*', 'admin:*'] }]);
    expect(effectiveRules('account', null)).toEqual([{ effect: 'allow', actions: ['*'] }]);
    expect(effectiveRules('user', null)).toEqual([]);
    expect(effectiveRules('account', [])).toEqual([]);
    expect(effectiveRules('environment', [deny('*')])).toEqual([deny('*')]);
  });

  test('only environment keys have a prefix they never hold', () => {
    expect(KIND_POLICIES.environment.excludedPrefix).toBe('provisioning:');
    expect(KIND_POLICIES.account.excludedPrefix).toBeUndefined();
    expect(KIND_POLICIES.user.excludedPrefix).toBeUndefined();
  });
});

describe('PolicyCompiler.forPrincipal', () => {
  const compiler = new PolicyCompiler(catalog);

  test('an environment key never holds provisioning actions, even through "*"', () => {
    const policy = compiler.forPrincipal({ kind: 'environment', rules: [allow('*')] });
    expect(policy.decide('files:read').allowed).toBe(true);
    expect(policy.decide('provisioning:thing.read').allowed).toBe(false);
    expect(compiler.forPrincipal({ kind: 'account', rules: [allow('*')] }).decide('provisioning:thing.read').allowed).toBe(true);
  });

  test("an environment key's custom roles cannot give it provisioning actions either", () => {
    const policy = compiler.forPrincipal({ kind: 'environment', rules: [], rolePolicies: [[allow('provisioning:*')]] });
    expect(policy.decide('provisioning:thing.read').allowed).toBe(false);
  });

  test("a key's custom roles add to its own rules, and say so", () => {
    const policy = compiler.forPrincipal({ kind: 'account', rules: [allow('files:read')], rolePolicies: [[allow('files:write')]] });
    expect(policy.decide('files:read')).toMatchObject({ allowed: true, source: 'key' });
    expect(policy.decide('files:write')).toMatchObject({ allowed: true, source: 'role' });
    expect(policy.decide('files:delete').allowed).toBe(false);
  });

  test("a user key holds its user's privileges, narrowed by its own rules when it has some", () => {
    const userPolicies = [[allow('files:*')], [allow('acct:manage')]];
    const plain = compiler.forPrincipal({ kind: 'user', rules: null, userPolicies });
    expect(plain.decide('files:delete')).toMatchObject({ allowed: true, source: 'user' });
    expect(plain.decide('acct:manage')).toMatchObject({ allowed: true, source: 'user', rule: 0 });

    const narrowed = compiler.forPrincipal({ kind: 'user', rules: [allow('files:read', 'admin_x:ping')], userPolicies });
    expect(narrowed.decide('files:read')).toMatchObject({ allowed: true, source: 'key' });
    expect(narrowed.decide('files:delete').allowed).toBe(false);
    expect(narrowed.decide('admin_x:ping').allowed).toBe(false);
  });

  test('a user key of a user with no privileges holds nothing, whatever its rules', () => {
    expect(compiler.forPrincipal({ kind: 'user', rules: [allow('*')], userPolicies: [] }).decide('files:read').allowed).toBe(false);
    expect(compiler.forPrincipal({ kind: 'user', rules: [allow('*')], userPolicies: null }).decide('files:read').allowed).toBe(false);
  });

  test('equal content, equal policy: the same object, and the same number', () => {
    const a = { kind: 'account' as const, rules: [allow('files:read')] };
    const b = { kind: 'account' as const, rules: [allow('files:read')] };
    expect(compiler.identify(a)).toBe(compiler.identify(b));
    expect(compiler.forPrincipal(a)).toBe(compiler.forPrincipal(b));
    expect(compiler.identify({ kind: 'environment', rules: [allow('files:read')] })).not.toBe(compiler.identify(a));
    expect(compiler.identify({ ...a, rolePolicies: [[allow('files:write')]] })).not.toBe(compiler.identify(a));
  });

  test('a policy id the holder carries stands for its content: the policy built for that id is the one used', () => {
    const compiler2 = new PolicyCompiler(catalog);
    const narrow = { kind: 'account' as const, rules: [allow('files:read')] };
    const id = compiler2.identify(narrow);
    expect(compiler2.forPrincipal({ ...narrow, policyId: id }).decide('files:write').allowed).toBe(false);
    expect(compiler2.forPrincipal({ kind: 'account', rules: [allow('*')], policyId: id })).toBe(compiler2.forPrincipal(narrow));
  });
});

describe('reaches and holdsWithin', () => {
  const files = catalog.get('files:read')!;

  test('a reach of null is every environment; a list is those environments only', () => {
    expect(reaches(null, 'e1')).toBe(true);
    expect(reaches(['e1', 'e2'], 'e2')).toBe(true);
    expect(reaches(['e1'], 'e2')).toBe(false);
    expect(reaches([], 'e1')).toBe(false);
  });

  const account = catalog.get('acct:manage')!;

  test('an environment action is held within a reach only where the holder reaches all of it', () => {
    expect(holdsWithin(holdings([allow('*')], ['e1', 'e2']), files, ['e1'])).toBe(true);
    expect(holdsWithin(holdings([allow('*')], ['e1']), files, ['e1', 'e2'])).toBe(false);
    expect(holdsWithin(holdings([allow('*')], ['e1']), files, null)).toBe(false);
    expect(holdsWithin(holdings([allow('*')], null), files, null)).toBe(true);
  });

  test('an account action is held wherever the holder is', () => {
    expect(holdsWithin(holdings([allow('acct:manage')], ['e1']), account, null)).toBe(true);
  });

  test('a conditional allow, or any deny that could apply, is not holding the action', () => {
    const conditional: PolicyRule = { effect: 'allow', actions: ['files:read'], conditions: { folder: 'a' } };
    expect(holdsWithin(holdings([conditional]), files, null)).toBe(false);
    expect(
      holdsWithin(holdings([allow('files:*'), { effect: 'deny', actions: ['files:read'], conditions: { folder: 'x' } }]), files, null),
    ).toBe(false);
  });
});

describe('PolicyCompiler.rulesForKeyMadeBy', () => {
  const compiler = new PolicyCompiler(catalog);

  test("a maker holding all of the kind's default gives the default (null: no rules of its own)", () => {
    expect(compiler.rulesForKeyMadeBy(holdings([allow('*')]), 'account', null)).toBeNull();
    expect(compiler.rulesForKeyMadeBy(holdings([allow('*')], ['e1']), 'environment', ['e1'])).toBeNull();
  });

  test('otherwise the new key gets the actions of the default the maker holds for every resource there', () => {
    const maker = holdings([
      allow('files:read', 'files:write'),
      { effect: 'allow', actions: ['files:delete'], conditions: { folder: 'a' } },
    ]);
    expect(compiler.rulesForKeyMadeBy(maker, 'account', null)).toEqual([{ effect: 'allow', actions: ['files:read', 'files:write'] }]);
  });

  test('a maker that does not reach where the key will act gives it none of the environment actions', () => {
    expect(compiler.rulesForKeyMadeBy(holdings([allow('*')], ['e1']), 'account', null)).toEqual([
      { effect: 'allow', actions: ['acct:manage'] },
    ]);
    // An environment key in an environment its maker does not reach holds nothing: rules, but none that allow.
    expect(compiler.rulesForKeyMadeBy(holdings([allow('*')], ['e1']), 'environment', ['e2'])).toEqual([]);
  });

  test("an environment key's default is Upload and Admin; a maker holding only part of it gives that part", () => {
    expect(compiler.rulesForKeyMadeBy(holdings([allow('upload:*')], ['e1']), 'environment', ['e1'])).toEqual([
      { effect: 'allow', actions: ['upload:upload'] },
    ]);
    // Provisioning actions are not the environment key's to hold, so a maker without them lacks nothing.
    expect(compiler.rulesForKeyMadeBy(holdings([allow('upload:*', 'admin:*')], ['e1']), 'environment', ['e1'])).toBeNull();
  });

  test(`long lists are cut into rules of at most ${MAX_ACTIONS_PER_RULE} actions`, () => {
    const many = new PermissionCatalog([
      {
        name: 'big',
        title: 'Big',
        description: 'test',
        actions: Array.from({ length: 250 }, (_, i) => ({
          name: `a${String.fromCharCode(97 + (i % 26))}${'x'.repeat(Math.floor(i / 26))}`,
          description: 'a',
          attributes: [],
        })),
      },
    ]);
    const bigCompiler = new PolicyCompiler(many);
    const maker: Holdings = { policy: new PrincipalPolicy([[compilePolicy([allow('big:*'), deny('big:aa')], many)]]), reach: null };
    const rules = bigCompiler.rulesForKeyMadeBy(maker, 'account', null)!;
    expect(rules.map((r) => r.actions.length)).toEqual([100, 100, 49]);
    expect(rules.flatMap((r) => r.actions)).not.toContain('big:aa');
  });
});

describe('validateResource', () => {
  const read = catalog.get('files:read')!;

  test.each([
    [{ folder: 'a', tags: ['x'], size: 3, public: true }],
    [{ folder: null, tags: undefined }],
    [{ other: { any: ['thing'] } }],
    [{}],
  ])('takes %j', (resource) => {
    expect(() => validateResource(read, resource)).not.toThrow();
    expect(() => validateResource(read, undefined)).not.toThrow();
  });

  test.each([
    ['a number for a string', { folder: 5 }, 'resource.folder must be a string for files:read'],
    ['a list for a string', { folder: ['a'] }, 'resource.folder must be a string for files:read'],
    ['a string for a list', { tags: 'x' }, 'resource.tags must be a string[] for files:read'],
    ['a number in a list of strings', { tags: ['x', 1] }, 'resource.tags must be a string[] for files:read'],
    ['a numeric string', { size: '3' }, 'resource.size must be a number for files:read'],
    ['NaN', { size: Number.NaN }, 'resource.size must be a number for files:read'],
    ['Infinity', { size: Number.POSITIVE_INFINITY }, 'resource.size must be a number for files:read'],
    ['"true"', { public: 'true' }, 'resource.public must be a boolean for files:read'],
  ])('refuses %s', (_, resource, message) => {
    expect(() => validateResource(read, resource)).toThrow(message);
  });

  test('names the field it was given', () => {
    expect(() => validateResource(read, { size: 'big' }, 'checks[3].resource')).toThrow(
      'checks[3].resource.size must be a number for files:read',
    );
  });
});

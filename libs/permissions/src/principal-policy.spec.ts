import type { PolicyRule } from '@castellan/core';
import { compilePolicy } from './compiled-policy.js';
import { PrincipalPolicy, type RuleSource } from './principal-policy.js';
import { catalog } from './test-catalog.fixture.js';
import { allow, deny } from '../../../test/support/policy-rules.js';

// A caller's whole policy: layers that must all allow (a user key's own rules narrow its user's privileges), each
// layer made of sources of which any may allow (role, custom roles, groups). Which decision wins, whose rule it
// was, and which rules a trace shows.

const policy = (layers: PolicyRule[][][], sources?: RuleSource[][]) =>
  new PrincipalPolicy(
    layers.map((layer) => layer.map((rules) => compilePolicy(rules, catalog))),
    sources,
  );

describe('PrincipalPolicy.decide: one layer', () => {
  test("a key's own rules: the rule that decided, labelled the key's", () => {
    const own = policy([[[allow(['files:*']), deny(['files:delete'])]]]);
    expect(own.decide('files:read')).toEqual({ allowed: true, reason: 'ALLOWED', rule: 0, source: 'key' });
    expect(own.decide('files:delete')).toEqual({ allowed: false, reason: 'DENIED_BY_RULE', rule: 1, source: 'key' });
    expect(own.decide('admin_x:ping')).toEqual({ allowed: false, reason: 'NO_MATCHING_RULE', rule: null, source: null });
  });

  test("within a layer any source may allow: one source's deny does not cancel another's allow", () => {
    const user = policy([[[deny(['files:write'])], [allow(['files:write'])]]], [['user', 'role']]);
    expect(user.decide('files:write')).toEqual({ allowed: true, reason: 'ALLOWED', rule: 0, source: 'role' });
  });

  test('with no allow in the layer, a deny is the answer, naming its source', () => {
    const user = policy([[[allow(['files:read'])], [deny(['files:write'])]]], [['user', 'role']]);
    expect(user.decide('files:write')).toEqual({ allowed: false, reason: 'DENIED_BY_RULE', rule: 0, source: 'role' });
  });

  test('the first source that allows is the one named', () => {
    const user = policy([[[allow(['files:read'])], [allow(['files:*'])]]], [['user', 'role']]);
    expect(user.decide('files:read')).toMatchObject({ rule: 0, source: 'user' });
  });

  test('conditions are judged on the resource given, or on an empty one', () => {
    const own = policy([[[allow(['files:read'], { folder: 'public' })]]]);
    expect(own.decide('files:read', { folder: 'public' }).allowed).toBe(true);
    expect(own.decide('files:read', { folder: 'private' }).allowed).toBe(false);
    expect(own.decide('files:read').allowed).toBe(false);
  });

  test('a layer with no sources allows nothing', () => {
    expect(policy([[]]).decide('files:read')).toEqual({ allowed: false, reason: 'NO_MATCHING_RULE', rule: null, source: null });
  });
});

describe('PrincipalPolicy.decide: layers (a user key narrowing its user)', () => {
  const user = [[allow(['files:*'])], [allow(['admin_x:ping'])]];
  const sources: RuleSource[][] = [['user', 'user'], ['key']];

  test("allowed only when every layer allows; the key's own allow is then the decision", () => {
    const narrowed = policy([user, [[allow(['files:read', 'files:write'])]]], sources);
    expect(narrowed.decide('files:read')).toEqual({ allowed: true, reason: 'ALLOWED', rule: 0, source: 'key' });
  });

  test("what the user may not do, the key's rules cannot give", () => {
    const wide = policy([user, [[allow(['*'])]]], sources);
    expect(wide.decide('provisioning:thing.read')).toEqual({ allowed: false, reason: 'NO_MATCHING_RULE', rule: null, source: null });
  });

  test("what the key's rules leave out, or deny, the user's privileges do not give back", () => {
    const narrowed = policy([user, [[allow(['files:read']), deny(['files:delete'])]]], sources);
    expect(narrowed.decide('files:write')).toEqual({ allowed: false, reason: 'NO_MATCHING_RULE', rule: null, source: null });
    expect(narrowed.decide('files:delete')).toEqual({ allowed: false, reason: 'DENIED_BY_RULE', rule: 1, source: 'key' });
  });

  test("a deny of the user's stops the decision there, naming the user's rule", () => {
    const denied = policy([[[allow(['files:*']), deny(['files:delete'])]], [[allow(['*'])]]], [['user'], ['key']]);
    expect(denied.decide('files:delete')).toEqual({ allowed: false, reason: 'DENIED_BY_RULE', rule: 1, source: 'user' });
  });

  test('no layers at all decide nothing', () => {
    expect(new PrincipalPolicy([]).decide('files:read')).toEqual({ allowed: false, reason: 'NO_MATCHING_RULE', rule: null, source: null });
  });
});

describe('PrincipalPolicy.trace', () => {
  test("traces the key's own rules, wherever they are among the layers", () => {
    const narrowed = policy([[[allow(['*'])]], [[allow(['files:read']), deny(['files:read'], { folder: 'secret' })]]], [['user'], ['key']]);
    expect(narrowed.trace('files:read', { folder: 'secret' })).toEqual([
      { rule: 0, effect: 'allow', covers_action: true, conditions_match: true, decisive: false },
      { rule: 1, effect: 'deny', covers_action: true, conditions_match: true, decisive: true },
    ]);
  });

  test("a key with custom roles: the trace is of its own rules, not its roles'", () => {
    const withRole = policy([[[allow(['files:read'])], [allow(['files:*'])]]], [['key', 'role']]);
    expect(withRole.trace('files:write')).toEqual([
      { rule: 0, effect: 'allow', covers_action: false, conditions_match: null, decisive: false },
    ]);
  });

  test('a user key without rules of its own has nothing to trace', () => {
    expect(policy([[[allow(['*'])]]], [['user']]).trace('files:read')).toEqual([]);
  });
});

describe('PrincipalPolicy: what it holds for sure, and what it may hold', () => {
  test('holds an action unconditionally only when every layer does', () => {
    const narrowed = policy([[[allow(['files:*'])]], [[allow(['files:read']), allow(['files:write'], { folder: 'a' })]]]);
    expect(narrowed.holdsUnconditionally('files:read')).toBe(true);
    expect(narrowed.holdsUnconditionally('files:write')).toBe(false);
    expect(narrowed.mayHold('files:write')).toBe(true);
    expect(narrowed.mayHold('files:delete')).toBe(false);
  });

  test('layers named in `except` are left out of what it holds', () => {
    const narrowed = policy([[[allow(['files:*'])]], [[allow(['files:read'])]]]);
    expect(narrowed.holdsUnconditionally('files:write')).toBe(false);
    expect(narrowed.holdsUnconditionally('files:write', new Set([narrowed.layerKeys[1]!]))).toBe(true);
  });

  test("a layer's key is the content of its sources, whatever their order", () => {
    const a = policy([[[allow(['files:read'])], [deny(['files:write'])]]]);
    const b = policy([[[deny(['files:write'])], [allow(['files:read'])]]]);
    expect(a.layerKeys).toEqual(b.layerKeys);
    expect(policy([[[allow(['files:read'])]]]).layerKeys).not.toEqual(a.layerKeys);
  });
});

import type { PolicyRule } from '@castellan/core';
import { compilePolicy, type RuleDecision, type TraceEntry } from './compiled-policy.js';
import { catalog } from './test-catalog.fixture.js';
import { allow, type Conditions, deny } from '../../../test/support/policy-rules.js';

const ALL_ACTIONS = ['files:read', 'files:write', 'files:delete', 'admin_x:ping', 'provisioning:thing.read'];

const ALLOWED = (rule: number): RuleDecision => ({ allowed: true, reason: 'ALLOWED', rule });
const DENIED = (rule: number): RuleDecision => ({ allowed: false, reason: 'DENIED_BY_RULE', rule });
const NO_MATCH: RuleDecision = { allowed: false, reason: 'NO_MATCHING_RULE', rule: null };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Whether a policy holding one allow of files:read with these conditions allows reading this resource. */
const readAllowed = (conditions: Conditions, resource?: Record<string, unknown>): boolean =>
  compilePolicy([allow(['files:read'], conditions)], catalog).decide('files:read', resource).allowed;

describe('CompiledPolicy.decide: effects', () => {
  test.each(ALL_ACTIONS)('an empty policy matches no rule for %s', (action) => {
    expect(compilePolicy([], catalog).decide(action, { folder: 'a' })).toEqual(NO_MATCH);
  });

  test('an allow allows, naming its index', () => {
    const policy = compilePolicy([deny(['admin_x:ping']), allow(['files:read'])], catalog);
    expect(policy.decide('files:read')).toEqual(ALLOWED(1));
    expect(policy.decide('files:write')).toEqual(NO_MATCH);
  });

  test.each<[string, PolicyRule[], number]>([
    ['deny first', [deny(['files:read']), allow(['files:read'])], 0],
    ['deny last', [allow(['files:read']), deny(['files:read'])], 1],
    ['deny between allows', [allow(['*']), deny(['files:read']), allow(['files:*'])], 1],
    ['deny by wildcard, allow exact', [deny(['files:*']), allow(['files:read'])], 0],
    ['matching conditional deny first', [deny(['files:read'], { folder: 'a' }), allow(['files:read'])], 0],
    ['matching conditional deny last', [allow(['files:read']), deny(['files:read'], { folder: 'a' })], 1],
  ])('a deny beats an allow: %s', (_, rules, index) => {
    expect(compilePolicy(rules, catalog).decide('files:read', { folder: 'a' })).toEqual(DENIED(index));
  });

  test.each<[string, PolicyRule[], number]>([
    ['deny first', [deny(['files:read'], { folder: 'b' }), allow(['files:read'])], 1],
    ['deny last', [allow(['files:read']), deny(['files:read'], { folder: 'b' })], 0],
  ])('a conditional deny that does not match leaves the allow deciding: %s', (_, rules, index) => {
    expect(compilePolicy(rules, catalog).decide('files:read', { folder: 'a' })).toEqual(ALLOWED(index));
  });

  test('a deny alone is a denial, not a missing rule', () => {
    expect(compilePolicy([deny(['files:read'])], catalog).decide('files:read')).toEqual(DENIED(0));
  });

  test('a conditional allow that does not match is no matching rule', () => {
    expect(compilePolicy([allow(['files:read'], { folder: 'b' })], catalog).decide('files:read', { folder: 'a' })).toEqual(NO_MATCH);
  });
});

describe('CompiledPolicy.decide: action patterns', () => {
  const covered: Record<string, string[]> = {
    '*': ALL_ACTIONS,
    'files:*': ['files:read', 'files:write', 'files:delete'],
    'admin_x:*': ['admin_x:ping'],
    'files:read': ['files:read'],
    'provisioning:thing.read': ['provisioning:thing.read'],
    'nope:*': [],
  };
  const rows = Object.entries(covered).flatMap(([pattern, actions]) =>
    [...ALL_ACTIONS, 'nope:thing', 'files:rename'].map((action) => [pattern, action, actions.includes(action)] as const),
  );

  test.each(rows)('%s covers %s: %p', (pattern, action, expected) => {
    expect(compilePolicy([allow([pattern])], catalog).decide(action).allowed).toBe(expected);
  });

  test('a rule covers the union of its patterns', () => {
    const policy = compilePolicy([allow(['files:delete', 'admin_x:*'])], catalog);
    expect(ALL_ACTIONS.filter((a) => policy.decide(a).allowed)).toEqual(['files:delete', 'admin_x:ping']);
  });

  test.each<[string, PolicyRule[], string, RuleDecision]>([
    ['* skips the excluded action', [allow(['*'])], 'provisioning:thing.read', NO_MATCH],
    ['* still covers the others', [allow(['*'])], 'files:read', ALLOWED(0)],
    ['* still covers admin_x:ping', [allow(['*'])], 'admin_x:ping', ALLOWED(0)],
    ['a deny * does not reach the excluded action', [allow(['files:read']), deny(['*'])], 'provisioning:thing.read', NO_MATCH],
    ['naming the excluded action outright grants nothing', [allow(['provisioning:thing.read'])], 'provisioning:thing.read', NO_MATCH],
  ])("excludedPrefix 'provisioning:': %s", (_, rules, action, expected) => {
    expect(compilePolicy(rules, catalog, 'provisioning:').decide(action)).toEqual(expected);
  });

  test('without excludedPrefix, * covers provisioning:thing.read', () => {
    expect(compilePolicy([allow(['*'])], catalog).decide('provisioning:thing.read')).toEqual(ALLOWED(0));
  });
});

describe('CompiledPolicy.decide: conditions evaluate as MongoDB would', () => {
  test.each<[string, Conditions, Record<string, unknown>, boolean]>([
    ['string equality, equal', { folder: 'a' }, { folder: 'a' }, true],
    ['string equality, different', { folder: 'a' }, { folder: 'b' }, false],
    ['string equality, case matters', { folder: 'a' }, { folder: 'A' }, false],
    ['string equality, missing', { folder: 'a' }, {}, false],
    ['$eq', { folder: { $eq: 'a' } }, { folder: 'a' }, true],
    ['$ne, different', { folder: { $ne: 'a' } }, { folder: 'b' }, true],
    ['$ne, equal', { folder: { $ne: 'a' } }, { folder: 'a' }, false],
    ['$ne, missing', { folder: { $ne: 'a' } }, {}, true],
    ['$in, in', { folder: { $in: ['a', 'b'] } }, { folder: 'b' }, true],
    ['$in, out', { folder: { $in: ['a', 'b'] } }, { folder: 'c' }, false],
    ['$in, missing', { folder: { $in: ['a', 'b'] } }, {}, false],
    ['$nin, out', { folder: { $nin: ['a', 'b'] } }, { folder: 'c' }, true],
    ['$nin, in', { folder: { $nin: ['a', 'b'] } }, { folder: 'a' }, false],
    ['$regex ^prod/, matching', { folder: { $regex: '^prod/' } }, { folder: 'prod/x' }, true],
    ['$regex ^prod/, inside', { folder: { $regex: '^prod/' } }, { folder: 'dev/prod/x' }, false],
    ['$regex ^prod/, no slash', { folder: { $regex: '^prod/' } }, { folder: 'production' }, false],
    ['$regex, missing', { folder: { $regex: '^prod/' } }, {}, false],
    ['$gt, above', { size: { $gt: 10 } }, { size: 11 }, true],
    ['$gt, equal', { size: { $gt: 10 } }, { size: 10 }, false],
    ['$gt, missing', { size: { $gt: 10 } }, {}, false],
    ['$gte, equal', { size: { $gte: 10 } }, { size: 10 }, true],
    ['$lt, below', { size: { $lt: 10 } }, { size: 9 }, true],
    ['$lt, equal', { size: { $lt: 10 } }, { size: 10 }, false],
    ['$lte, equal', { size: { $lte: 10 } }, { size: 10 }, true],
    ['$lte, above', { size: { $lte: 10 } }, { size: 11 }, false],
    ['range, inside', { size: { $gt: 1, $lt: 10 } }, { size: 5 }, true],
    ['range, outside', { size: { $gt: 1, $lt: 10 } }, { size: 10 }, false],
    ['$exists true, present', { folder: { $exists: true } }, { folder: 'a' }, true],
    ['$exists true, missing', { folder: { $exists: true } }, {}, false],
    ['$exists false, missing', { folder: { $exists: false } }, {}, true],
    ['$exists false, present', { folder: { $exists: false } }, { folder: 'a' }, false],
    ['boolean equality, true', { public: true }, { public: true }, true],
    ['boolean equality, false', { public: true }, { public: false }, false],
    ['boolean false, missing', { public: false }, {}, false],
    ['$exists false, null (null counts as missing)', { folder: { $exists: false } }, { folder: null }, true],
    ['$lt on a missing number', { size: { $lt: 10 } }, {}, false],
    ['$lte on a missing number', { size: { $lte: 10 } }, {}, false],
    ['$lt on a missing string', { folder: { $lt: 'm' } }, {}, false],
    ['$lt on a null number', { size: { $lt: 10 } }, { size: null }, false],
    ['tags containment, contained', { tags: 'x' }, { tags: ['w', 'x'] }, true],
    ['tags containment, not contained', { tags: 'x' }, { tags: ['w', 'y'] }, false],
    ['tags containment, empty', { tags: 'x' }, { tags: [] }, false],
    ['tags containment, missing', { tags: 'x' }, {}, false],
    ['$ne on tags, one equal', { tags: { $ne: 'x' } }, { tags: ['w', 'x'] }, false],
    ['$ne on tags, none equal', { tags: { $ne: 'x' } }, { tags: ['w', 'y'] }, true],
    ['$in on tags, one in', { tags: { $in: ['x', 'z'] } }, { tags: ['w', 'x'] }, true],
    ['$in on tags, none in', { tags: { $in: ['x', 'z'] } }, { tags: ['w', 'y'] }, false],
    ['$nin on tags, one in', { tags: { $nin: ['x'] } }, { tags: ['w', 'x'] }, false],
    ['$all, all present in any order', { tags: { $all: ['x', 'w'] } }, { tags: ['w', 'y', 'x'] }, true],
    ['$all, one absent', { tags: { $all: ['x', 'z'] } }, { tags: ['w', 'y', 'x'] }, false],
    ['$size, equal', { tags: { $size: 2 } }, { tags: ['a', 'b'] }, true],
    ['$size, different', { tags: { $size: 2 } }, { tags: ['a'] }, false],
    ['$size 0, empty', { tags: { $size: 0 } }, { tags: [] }, true],
    ['$size 0, missing', { tags: { $size: 0 } }, {}, false],
    ['$elemMatch $regex, one matches', { tags: { $elemMatch: { $regex: '^a' } } }, { tags: ['ba', 'ab'] }, true],
    ['$elemMatch $regex, none matches', { tags: { $elemMatch: { $regex: '^a' } } }, { tags: ['ba', 'ca'] }, false],
    ['$elemMatch range, one element satisfies both', { tags: { $elemMatch: { $gte: 'b', $lt: 'c' } } }, { tags: ['a', 'bz'] }, true],
    ['$elemMatch range, no single element satisfies both', { tags: { $elemMatch: { $gte: 'b', $lt: 'c' } } }, { tags: ['a', 'cz'] }, false],
    ['several attributes, all match', { folder: 'a', size: { $lt: 10 } }, { folder: 'a', size: 1 }, true],
    ['several attributes, one fails', { folder: 'a', size: { $lt: 10 } }, { folder: 'a', size: 11 }, false],
  ])('%s', (_, conditions, resource, expected) => {
    expect(readAllowed(conditions, resource)).toBe(expected);
  });
});

describe('CompiledPolicy.decide: no resource', () => {
  test.each<[string, Conditions, boolean]>([
    ['equality', { folder: 'a' }, false],
    ['$in', { folder: { $in: ['a'] } }, false],
    ['$regex', { folder: { $regex: '.*' } }, false],
    ['$gt', { size: { $gt: 0 } }, false],
    ['$exists true', { folder: { $exists: true } }, false],
    ['tags containment', { tags: 'x' }, false],
    ['$exists false', { folder: { $exists: false } }, true],
    ['$ne', { folder: { $ne: 'a' } }, true],
  ])('a conditional allow with %s is judged against {}: %p', (_, conditions, expected) => {
    expect(readAllowed(conditions)).toBe(expected);
    expect(readAllowed(conditions, {})).toBe(expected);
  });

  test('a conditional allow does not apply, so nothing matches', () => {
    expect(compilePolicy([allow(['files:read'], { folder: 'a' })], catalog).decide('files:read')).toEqual(NO_MATCH);
  });

  test('a conditional deny does not apply, so an allow decides', () => {
    const policy = compilePolicy([allow(['files:*']), deny(['files:read'], { folder: 'a' })], catalog);
    expect(policy.decide('files:read')).toEqual(ALLOWED(0));
  });

  test('an allow on {size: {$lt: N}} does not apply without a resource', () => {
    expect(compilePolicy([allow(['files:read'], { size: { $lt: 100 } })], catalog).decide('files:read')).toEqual(NO_MATCH);
  });
});

describe('CompiledPolicy.trace', () => {
  const rules: PolicyRule[] = [
    allow(['files:*']),
    deny(['files:delete'], { folder: { $regex: '^prod/' } }),
    allow(['admin_x:ping']),
    deny(['files:write']),
  ];
  const policy = compilePolicy(rules, catalog);
  const entry = (rule: number, covers: boolean, match: boolean | null, decisive = false): TraceEntry => ({
    rule,
    effect: rules[rule]!.effect,
    covers_action: covers,
    conditions_match: match,
    decisive,
  });

  test.each<[string, Record<string, unknown>, TraceEntry[]]>([
    [
      'files:delete',
      { folder: 'prod/a' },
      [entry(0, true, true), entry(1, true, true, true), entry(2, false, null), entry(3, false, null)],
    ],
    [
      'files:delete',
      { folder: 'dev/a' },
      [entry(0, true, true, true), entry(1, true, false), entry(2, false, null), entry(3, false, null)],
    ],
    ['files:delete', {}, [entry(0, true, true, true), entry(1, true, false), entry(2, false, null), entry(3, false, null)]],
    ['files:write', {}, [entry(0, true, true), entry(1, false, null), entry(2, false, null), entry(3, true, true, true)]],
    ['admin_x:ping', {}, [entry(0, false, null), entry(1, false, null), entry(2, true, true, true), entry(3, false, null)]],
    ['provisioning:thing.read', {}, [entry(0, false, null), entry(1, false, null), entry(2, false, null), entry(3, false, null)]],
  ])('%s on %j', (action, resource, expected) => {
    const trace = policy.trace(action, resource);
    expect(trace).toEqual(expected);
    // the decisive entry (if any) is the rule decide() names, and only that one
    const decided = policy.decide(action, resource).rule;
    expect(trace.filter((t) => t.decisive).map((t) => t.rule)).toEqual(decided === null ? [] : [decided]);
  });

  test('marks exactly one decisive rule when several allows match', () => {
    const p = compilePolicy([allow(['files:*']), allow(['files:read'], { folder: 'a' }), allow(['*'])], catalog);
    const trace = p.trace('files:read', { folder: 'a' });
    const decision = p.decide('files:read', { folder: 'a' });
    expect(decision.reason).toBe('ALLOWED');
    expect(trace.map((t) => [t.covers_action, t.conditions_match])).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(trace.filter((t) => t.decisive)).toEqual([expect.objectContaining({ rule: decision.rule, effect: 'allow' })]);
  });

  test('an action excluded by prefix is not covered by *', () => {
    const p = compilePolicy([allow(['*'])], catalog, 'provisioning:');
    expect(p.trace('provisioning:thing.read', {})).toEqual([
      { rule: 0, effect: 'allow', covers_action: false, conditions_match: null, decisive: false },
    ]);
    expect(p.trace('files:read', {})).toEqual([{ rule: 0, effect: 'allow', covers_action: true, conditions_match: true, decisive: true }]);
  });

  test('an empty policy traces to nothing', () => {
    expect(compilePolicy([], catalog).trace('files:read', {})).toEqual([]);
  });

  test('reports conditions that do not match on a covering rule, with no decisive rule', () => {
    const p = compilePolicy([allow(['files:read'], { size: { $gt: 10 } })], catalog);
    expect(p.trace('files:read', { size: 5 })).toEqual([
      { rule: 0, effect: 'allow', covers_action: true, conditions_match: false, decisive: false },
    ]);
    expect(p.trace('files:read', { size: 50 })).toEqual([
      { rule: 0, effect: 'allow', covers_action: true, conditions_match: true, decisive: true },
    ]);
  });

  test('without a resource, conditions are judged against {}', () => {
    const p = compilePolicy([allow(['files:read'], { folder: 'a' }), allow(['files:read'], { folder: { $exists: false } })], catalog);
    expect(p.trace('files:read').map((t) => [t.conditions_match, t.decisive])).toEqual([
      [false, false],
      [true, true],
    ]);
  });
});

describe('CompiledPolicy.holdsUnconditionally', () => {
  test.each<[string, PolicyRule[], string, boolean]>([
    ['empty policy', [], 'files:read', false],
    ['unconditional allow', [allow(['files:read'])], 'files:read', true],
    ['unconditional allow by *', [allow(['*'])], 'admin_x:ping', true],
    ['unconditional allow by files:*', [allow(['files:*'])], 'files:delete', true],
    ['allow of another action', [allow(['files:read'])], 'files:write', false],
    ['conditional allow only', [allow(['files:read'], { folder: 'a' })], 'files:read', false],
    ['conditional allow only, $exists false', [allow(['files:read'], { folder: { $exists: false } })], 'files:read', false],
    ['conditional and unconditional allow', [allow(['files:read'], { folder: 'a' }), allow(['files:read'])], 'files:read', true],
    ['unconditional allow and deny', [allow(['files:read']), deny(['files:read'])], 'files:read', false],
    ['deny first', [deny(['files:read']), allow(['files:read'])], 'files:read', false],
    ['conditional deny', [allow(['*']), deny(['files:read'], { folder: 'secret' })], 'files:read', false],
    ['conditional deny of another action', [allow(['*']), deny(['files:read'], { folder: 'secret' })], 'files:write', true],
    ['deny by wildcard', [allow(['files:read']), deny(['files:*'])], 'files:read', false],
    ['deny of another plugin', [allow(['*']), deny(['admin_x:*'])], 'files:read', true],
    ['deny only', [deny(['files:read'])], 'files:read', false],
    ['unknown action', [allow(['*'])], 'nope:thing', false],
  ])('%s → %s: %p', (_, rules, action, expected) => {
    expect(compilePolicy(rules, catalog).holdsUnconditionally(action)).toBe(expected);
  });

  test('an excluded action is never held, even through *', () => {
    const policy = compilePolicy([allow(['*'])], catalog, 'provisioning:');
    expect(policy.holdsUnconditionally('provisioning:thing.read')).toBe(false);
    expect(policy.holdsUnconditionally('files:read')).toBe(true);
  });

  test('a deny on an excluded action does not count against it (it covers nothing)', () => {
    const policy = compilePolicy([allow(['*']), deny(['provisioning:*'])], catalog, 'provisioning:');
    expect(policy.holdsUnconditionally('files:read')).toBe(true);
  });
});

describe('compilePolicy is pure', () => {
  const build = (): PolicyRule[] => [
    allow(['files:*'], { folder: { $regex: '^prod/' } }),
    deny(['files:delete'], { folder: { $in: ['prod/locked', 'prod/keep'] } }),
    allow(['admin_x:ping']),
    deny(['files:read'], { size: { $gt: 100 }, public: false }),
    allow(['files:read', 'files:write'], { tags: { $all: ['x'], $elemMatch: { $regex: '^x' } } }),
  ];
  const probes: [string, Record<string, unknown> | undefined][] = [
    ['files:read', { folder: 'prod/a', tags: ['ab'], size: 1, public: true }],
    ['files:read', { folder: 'prod/a', tags: ['ab'], size: 1000, public: false }],
    ['files:read', { folder: 'dev/a', tags: ['x'], size: 3 }],
    ['files:delete', { folder: 'prod/locked', tags: ['ab'] }],
    ['files:delete', { folder: 'prod/other', tags: ['ab'] }],
    ['files:write', undefined],
    ['admin_x:ping', undefined],
    ['provisioning:thing.read', {}],
  ];
  const decisions = (rules: readonly PolicyRule[]) => {
    const policy = compilePolicy(rules, catalog);
    return probes.map(([action, resource]) => ({
      decision: policy.decide(action, resource),
      trace: policy.trace(action, resource),
      holds: policy.holdsUnconditionally(action),
    }));
  };

  test('does not mutate the (deep-frozen) rules, and decides from them alone', () => {
    const rules = deepFreeze(build());
    const fresh = decisions(build());
    expect(() => decisions(rules)).not.toThrow();
    expect(rules).toEqual(build());
    expect(decisions(rules)).toEqual(fresh);
  });

  test('the same input gives the same decisions, however often it is asked', () => {
    const rules = deepFreeze(build());
    const policy = compilePolicy(rules, catalog);
    const first = probes.map(([action, resource]) => policy.decide(action, resource));
    for (let i = 0; i < 3; i++) {
      expect(probes.map(([action, resource]) => policy.decide(action, resource))).toEqual(first);
      expect(decisions(rules).map((d) => d.decision)).toEqual(first);
    }
    expect(first.map((d) => d.reason)).toEqual([
      'ALLOWED',
      'DENIED_BY_RULE',
      'ALLOWED',
      'DENIED_BY_RULE',
      'ALLOWED',
      'NO_MATCHING_RULE',
      'ALLOWED',
      'NO_MATCHING_RULE',
    ]);
  });

  test('does not mutate the resource', () => {
    const resource = deepFreeze({ folder: 'prod/a', tags: ['ab'], size: 1, public: true });
    const policy = compilePolicy(deepFreeze(build()), catalog);
    expect(() => policy.decide('files:read', resource)).not.toThrow();
    expect(() => policy.trace('files:read', resource)).not.toThrow();
    expect(resource).toEqual({ folder: 'prod/a', tags: ['ab'], size: 1, public: true });
  });

  test('policies compiled from the same rules do not share state', () => {
    const rules = deepFreeze(build());
    const a = compilePolicy(rules, catalog);
    const b = compilePolicy(rules, catalog, 'files:');
    expect(b.decide('files:read', { folder: 'prod/a', tags: ['ab'] })).toEqual(NO_MATCH);
    expect(a.decide('files:read', { folder: 'prod/a', tags: ['ab'] })).toEqual(ALLOWED(0));
    expect(a.rules).toBe(rules);
  });
});

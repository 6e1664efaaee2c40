import type { PolicyRule, Reach } from '@castellan/core';
import { PermissionCatalog } from './catalog.js';
import { compilePolicy } from './compiled-policy.js';
import { EVERY_ENVIRONMENT, firstExcess, Holdings, holdsWithin, outsideReach } from './holdings.js';
import { PrincipalPolicy } from './principal-policy.js';
import { catalog as files } from './test-catalog.fixture.js';
import { allow, deny } from '../../../test/support/policy-rules.js';

// The grant invariant's comparison, without Nest: what a target may hold against what its caller holds for sure.

const catalog = new PermissionCatalog([
  ...files.plugins,
  {
    name: 'acct',
    title: 'Account',
    description: 'test',
    actions: [{ name: 'manage', description: 'manage', attributes: [], scope: 'account' }],
  },
]);
const actions = catalog.all();

/** Holdings of layers of sources: every layer must allow, any source of a layer may. */
const held = (layers: PolicyRule[][][], reach: Reach = null): Holdings => ({
  policy: new PrincipalPolicy(layers.map((sources) => sources.map((rules) => compilePolicy(rules, catalog)))),
  reach,
});
/** One layer of one source. */
const simple = (rules: PolicyRule[], reach: Reach = null) => held([[rules]], reach);

describe('firstExcess: actions', () => {
  test('a target holding less than its caller holds nothing more', () => {
    expect(firstExcess(simple([allow(['files:read'])]), simple([allow(['files:*'])]), actions)).toBeNull();
  });

  test('names the first action the target may hold and the caller lacks', () => {
    expect(firstExcess(simple([allow(['*'])]), simple([allow(['files:read'])]), actions)).toEqual({ action: 'files:write' });
  });

  test('a conditional allow of the caller grants nothing: the caller must hold the action for every resource', () => {
    const caller = simple([allow(['files:read'], { folder: 'a' })]);
    expect(firstExcess(simple([allow(['files:read'], { folder: 'b' })]), caller, actions)).toEqual({ action: 'files:read' });
    // Only a target with the very same policy is bounded by it (see the shared layers below).
    expect(firstExcess(simple([allow(['files:read'], { folder: 'a' })]), caller, actions)).toBeNull();
  });

  test('any deny on an action the caller allows takes it out of what the caller holds for sure', () => {
    const caller = simple([allow(['files:*']), deny(['files:read'], { folder: 'secret' })]);
    expect(firstExcess(simple([allow(['files:read'])]), caller, actions)).toEqual({ action: 'files:read' });
  });

  test('an unconditional deny in the target means it cannot hold the action, whatever it allows', () => {
    expect(firstExcess(simple([allow(['*']), deny(['*'])]), simple([]), actions)).toBeNull();
    expect(
      firstExcess(simple([allow(['files:*']), deny(['files:write', 'files:delete'])]), simple([allow(['files:read'])]), actions),
    ).toBeNull();
  });

  test('a conditional deny in the target does not: it may still hold the action for other resources', () => {
    expect(firstExcess(simple([allow(['files:read']), deny(['files:read'], { folder: 'a' })]), simple([]), actions)).toEqual({
      action: 'files:read',
    });
  });

  test('within a layer the sources add up: a deny in one does not cancel another source of the target', () => {
    const target = held([[[allow(['files:read']), deny(['files:write'])], [allow(['files:write'])]]]);
    expect(firstExcess(target, simple([allow(['files:read'])]), actions)).toEqual({ action: 'files:write' });
  });

  test('the caller holds what any of its sources holds for sure', () => {
    const caller = held([[[allow(['files:read'])], [allow(['files:write'])]]]);
    expect(firstExcess(simple([allow(['files:read', 'files:write'])]), caller, actions)).toBeNull();
  });

  test('a layered target may hold only what every layer allows', () => {
    const target = held([[[allow(['*'])]], [[allow(['files:read'])]]]);
    expect(firstExcess(target, simple([allow(['files:read'])]), actions)).toBeNull();
  });
});

describe('firstExcess: layers the target shares with the caller', () => {
  const user = [allow(['files:*', 'acct:manage'])];

  test('a key of the same user narrowed alike holds nothing more, though the narrowing is conditional', () => {
    const narrowing = [allow(['files:read'], { folder: 'a' })];
    expect(firstExcess(held([[user], [narrowing]]), held([[user], [narrowing]]), actions)).toBeNull();
  });

  test('a key of the same user narrowed further holds nothing more', () => {
    const caller = held([[user], [[allow(['files:read', 'files:write'])]]]);
    expect(firstExcess(held([[user], [[allow(['files:read'])]]]), caller, actions)).toBeNull();
  });

  test("the user's own layer, without the caller's narrowing, holds more than the narrowed caller", () => {
    const caller = held([[user], [[allow(['files:read'])]]]);
    expect(firstExcess(held([[user]]), caller, actions)).toEqual({ action: 'files:write' });
  });

  test('a widened narrowing holds more, though the user layer is shared', () => {
    const caller = held([[user], [[allow(['files:read'])]]]);
    expect(firstExcess(held([[user], [[allow(['*'])]]]), caller, actions)).toEqual({ action: 'files:write' });
  });

  test('sharing is by content, whatever the order of the sources', () => {
    const [a, b] = [[allow(['files:read'])], [allow(['files:write'], { folder: 'x' })]];
    expect(firstExcess(held([[a, b]]), held([[b, a]]), actions)).toBeNull();
  });
});

describe('firstExcess: environment reach', () => {
  const everything = [allow(['*'])];

  test('environment actions count only where the target reaches, and must be held there by the caller', () => {
    expect(firstExcess(simple(everything, ['e1']), simple(everything, ['e1', 'e2']), actions)).toBeNull();
    expect(firstExcess(simple(everything, ['e1', 'e3']), simple(everything, ['e1', 'e2']), actions)).toEqual({
      action: 'files:read',
      environment: 'e3',
    });
  });

  test('a target reaching every environment needs a caller that does too, environments made later included', () => {
    expect(firstExcess(simple(everything, null), simple(everything, ['e1', 'e2']), actions)).toEqual({
      action: 'files:read',
      environment: EVERY_ENVIRONMENT,
    });
  });

  test('account actions ignore reach', () => {
    expect(firstExcess(simple([allow(['acct:manage'])], null), simple(everything, ['e1']), actions)).toBeNull();
  });

  test(
    'a target reaching no environment still needs a caller that holds its environment actions: ' + 'what it may hold, the caller holds',
    () => {
      expect(firstExcess(simple(everything, []), simple([allow(['acct:manage'])], ['e1']), actions)).toEqual({ action: 'files:read' });
      expect(firstExcess(simple(everything, []), simple(everything, ['e1']), actions)).toBeNull();
    },
  );
});

describe('reach', () => {
  test.each<[Reach, Reach, string | null]>([
    [['a'], null, null],
    [null, null, null],
    [null, ['a'], EVERY_ENVIRONMENT],
    [['a', 'b'], ['a'], 'b'],
    [[], ['a'], null],
  ])('outsideReach(%j, %j) is %j', (inner, outer, expected) => {
    expect(outsideReach(inner, outer)).toBe(expected);
  });

  test('holdsWithin: an environment action for every resource, wherever the reach extends', () => {
    const limited = simple([allow(['*'])], ['e1']);
    const manage = catalog.get('acct:manage')!;
    const read = catalog.get('files:read')!;
    expect([holdsWithin(limited, read, ['e1']), holdsWithin(limited, read, ['e2']), holdsWithin(limited, read, null)]).toEqual([
      true,
      false,
      false,
    ]);
    expect(holdsWithin(limited, manage, null)).toBe(true);
  });
});

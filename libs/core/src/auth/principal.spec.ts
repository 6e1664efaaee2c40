import { outsideReach, reaches } from '../../../permissions/src/holdings.js';
import type { Principal } from './principal.js';
import { reachOf } from './principal.js';

// Where a caller acts (its reach), which every environment-scoped check, list and grant comparison starts from.

type Caller = Pick<Principal, 'kind' | 'environmentId' | 'environmentIds'>;

const environmentKey: Caller = { kind: 'environment', environmentId: 'e1', environmentIds: null };
const accountKey: Caller = { kind: 'account', environmentId: null, environmentIds: null };
const limitedUser: Caller = { kind: 'user', environmentId: null, environmentIds: ['e1', 'e2'] };
const everywhereUser: Caller = { kind: 'user', environmentId: null, environmentIds: null };

describe('reachOf', () => {
  test('an environment key acts in its own environment only', () => {
    expect(reachOf(environmentKey)).toEqual(['e1']);
  });

  test('an account key acts in every environment, those made later included', () => {
    expect(reachOf(accountKey)).toBeNull();
  });

  test('a user key acts where its user reaches: the listed environments, none, or all of them', () => {
    expect(reachOf(limitedUser)).toEqual(['e1', 'e2']);
    expect(reachOf({ ...limitedUser, environmentIds: [] })).toEqual([]);
    expect(reachOf(everywhereUser)).toBeNull();
  });

  test("a list that is not its kind's is ignored: only a user's environments limit a user key", () => {
    expect(reachOf({ ...accountKey, environmentIds: ['e1'] })).toBeNull();
    expect(reachOf({ ...environmentKey, environmentIds: ['e2', 'e3'] })).toEqual(['e1']);
    expect(reachOf({ ...accountKey, environmentId: 'e1' })).toBeNull();
    expect(reachOf({ ...limitedUser, environmentId: 'e9' })).toEqual(['e1', 'e2']);
  });
});

describe('reachOf with reaches and outsideReach', () => {
  test.each([
    ['an environment key', environmentKey, { e1: true, e2: false }],
    ['an account key', accountKey, { e1: true, e2: true }],
    ['a user of e1 and e2', limitedUser, { e1: true, e2: true, e3: false }],
    ['a user of no environment', { ...limitedUser, environmentIds: [] }, { e1: false }],
    ['a user of every environment', everywhereUser, { e1: true, e3: true }],
  ])('%s', (_, caller, expected) => {
    for (const [id, reached] of Object.entries(expected)) expect([id, reaches(reachOf(caller), id)]).toEqual([id, reached]);
  });

  test('what a caller reaches beyond another: nothing, a first environment, or every one', () => {
    expect(outsideReach(reachOf(environmentKey), reachOf(accountKey))).toBeNull();
    expect(outsideReach(reachOf(limitedUser), reachOf(environmentKey))).toBe('e2');
    expect(outsideReach(reachOf(accountKey), reachOf(limitedUser))).toBe('every');
    expect(outsideReach(reachOf(everywhereUser), reachOf(accountKey))).toBeNull();
    expect(outsideReach(reachOf({ ...limitedUser, environmentIds: [] }), reachOf(environmentKey))).toBeNull();
  });
});

import { reachOf } from '@castellan/core';
import { outsideReach, reaches } from './holdings.js';
import { accountKey, environmentKey, everywhereUser, limitedUser } from '../../../test/support/callers.js';

// The engine's reach checks over what core's reachOf says a caller reaches (its specs sit here: core imports no lib).

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

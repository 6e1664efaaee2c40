import { reachOf } from './principal.js';
import { accountKey, environmentKey, everywhereUser, limitedUser } from '../../../../test/support/callers.js';

// Where a caller acts (its reach), which every environment-scoped check, list and grant comparison starts from.

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

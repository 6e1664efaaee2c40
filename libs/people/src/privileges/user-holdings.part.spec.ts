import type { KeyFacts, PolicyRule } from '@castellan/core';
import { SYSTEM_ROLE_RULES } from '@castellan/permissions';
import { USER_HOLDINGS } from './user-holdings.part.js';

const ROLE: PolicyRule[] = [{ effect: 'allow', actions: ['provisioning:users.read'] }];
const GROUP: PolicyRule[] = [{ effect: 'deny', actions: ['provisioning:users.delete'] }];

const accountKey: KeyFacts = { kind: 'account', userId: null, environmentId: null };
const userKey: KeyFacts = { kind: 'user', userId: 'u1', environmentId: null };

/** A rules column aggregated as SQLite and MariaDB return it: JSON text of each row's simple-json text. */
const aggregated = (...rules: (PolicyRule[] | null)[]) => JSON.stringify(rules.map((r) => (r === null ? null : JSON.stringify(r))));

const user = (columns: Record<string, unknown> = {}) => ({
  user_role: 'admin',
  user_enabled: 1,
  user_all_environments: 0,
  user_roles: aggregated(ROLE),
  group_rules: aggregated(GROUP),
  user_environments: JSON.stringify(['e1', 'e2']),
  ...columns,
});

describe('USER_HOLDINGS', () => {
  test("reads back every column it selects, and joins under an alias of people's", () => {
    const aliases = USER_HOLDINGS.columns('k', 'sqlite').map((c) => c.alias);
    expect(new Set(aliases).size).toBe(aliases.length);
    expect(aliases).toEqual(expect.arrayContaining(Object.keys({ ...user(), key_roles: null })));
    expect(USER_HOLDINGS.joins!('k').map((j) => j.alias)).toEqual(['people_user']);
  });

  test('aggregates in the dialect it is given', () => {
    const sql = (dialect: 'mysql' | 'sqlite') =>
      USER_HOLDINGS.columns('k', dialect)
        .map((c) => c.sql)
        .join('\n');
    expect(sql('mysql')).toContain('JSON_ARRAYAGG(');
    expect(sql('mysql')).not.toContain('json_group_array(');
    expect(sql('sqlite')).toContain('json_group_array(');
  });

  test("a key that is not a user's holds the rules of its custom roles, however the driver returns them", () => {
    expect(USER_HOLDINGS.read({ key_roles: aggregated(ROLE, GROUP) }, accountKey)).toEqual({ rolePolicies: [ROLE, GROUP], user: null });
    // MySQL parses JSON_ARRAYAGG itself, and aggregates no rows into NULL.
    expect(USER_HOLDINGS.read({ key_roles: [JSON.stringify(ROLE)] }, accountKey)).toEqual({ rolePolicies: [ROLE], user: null });
    expect(USER_HOLDINGS.read({ key_roles: null }, accountKey)).toEqual({ rolePolicies: [], user: null });
  });

  test("a user key holds its user's privileges: the system role, custom roles, groups, and the environments it reaches", () => {
    expect(USER_HOLDINGS.read(user(), userKey)).toEqual({
      rolePolicies: [],
      user: { policies: [SYSTEM_ROLE_RULES.admin.rules, ROLE, GROUP], environmentIds: ['e1', 'e2'] },
    });
  });

  test('rules that are empty or unset add no policy', () => {
    const read = USER_HOLDINGS.read(user({ user_roles: aggregated([], null), group_rules: null }), userKey);
    expect(read.user?.policies).toEqual([SYSTEM_ROLE_RULES.admin.rules]);
  });

  test('a master admin, or a user of all environments, reaches every environment', () => {
    expect(USER_HOLDINGS.read(user({ user_role: 'master_admin' }), userKey).user?.environmentIds).toBeNull();
    expect(USER_HOLDINGS.read(user({ user_all_environments: 1 }), userKey).user?.environmentIds).toBeNull();
    expect(USER_HOLDINGS.read(user({ user_environments: null }), userKey).user?.environmentIds).toEqual([]);
  });

  test('a user key whose user is gone or disabled holds nothing', () => {
    const nothing = { rolePolicies: [], user: null };
    expect(USER_HOLDINGS.read(user({ user_role: null, user_enabled: null }), userKey)).toEqual(nothing);
    expect(USER_HOLDINGS.read(user({ user_enabled: 0 }), userKey)).toEqual(nothing);
    expect(USER_HOLDINGS.read(user({ user_enabled: false }), userKey)).toEqual(nothing);
  });
});

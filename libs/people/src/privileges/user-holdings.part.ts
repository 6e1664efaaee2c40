import { Global, Module } from '@nestjs/common';
import { jsonArrayAgg, rawBoolean, rawJsonArray, USER_HOLDINGS_PART } from '@castellan/core';
import type { KeyHoldings, KeyQueryPart, SqlDialect } from '@castellan/core';
import type { SystemRole } from '@castellan/permissions';
import { heldRoleIdsSql } from '../roles/role-assignment.repository.js';
import type { HolderSql } from '../roles/role-assignment.repository.js';
import { entitlementOf, rulesOf } from './entitlement.js';

/** The join to a user key's user; prefixed with the library's name, as KeyQueryPart asks. */
const USER = 'people_user';

/**
 * What a key holds, read with the key in its verification query. Each column is one subquery or join correlated with
 * the key's row: the key's custom roles; its user; the rules of the user's groups; the custom roles the user or one
 * of its groups holds; the user's environments. The verification cache drops the account's keys after every change,
 * so demoting, disabling or deleting the user takes effect on the next request.
 */
export const USER_HOLDINGS: KeyQueryPart<KeyHoldings> = {
  joins: (k) => [{ table: 'users', alias: USER, on: `${USER}.account_id = ${k}.account_id AND ${USER}.id = ${k}.user_id` }],

  columns(k: string, dialect: SqlDialect) {
    const agg = (expression: string) => jsonArrayAgg(dialect, expression);
    const groupsOfUser = `SELECT m.group_id FROM user_group_members m WHERE m.account_id = ${k}.account_id AND m.user_id = ${k}.user_id`;
    const rulesOfRolesHeldBy = (holders: HolderSql[]) =>
      `(SELECT ${agg('r.rules')} FROM roles r WHERE r.account_id = ${k}.account_id ` +
      `AND r.id IN (${heldRoleIdsSql(`${k}.account_id`, holders)}))`;
    return [
      { alias: 'key_roles', sql: rulesOfRolesHeldBy([{ type: 'key', id: `${k}.id` }]) },
      { alias: 'user_role', sql: `${USER}.role` },
      { alias: 'user_enabled', sql: `${USER}.enabled` },
      { alias: 'user_all_environments', sql: `${USER}.all_sub_accounts` },
      {
        alias: 'group_rules',
        sql: `(SELECT ${agg('g.rules')} FROM user_groups g WHERE g.account_id = ${k}.account_id AND g.id IN (${groupsOfUser}))`,
      },
      {
        alias: 'user_roles',
        sql: rulesOfRolesHeldBy([
          { type: 'user', id: `${k}.user_id` },
          { type: 'group', idIn: groupsOfUser },
        ]),
      },
      {
        alias: 'user_environments',
        sql:
          `(SELECT ${agg('e.environment_id')} FROM user_environments e ` +
          `WHERE e.account_id = ${k}.account_id AND e.user_id = ${k}.user_id)`,
      },
    ];
  },

  read(raw, key) {
    if (key.kind !== 'user') return { rolePolicies: rulesOf(raw['key_roles']).filter((rules) => rules !== null), user: null };
    const role = raw['user_role'];
    // No user: it is gone. A disabled one holds nothing while it is.
    if (typeof role !== 'string' || !rawBoolean(raw['user_enabled'])) return { rolePolicies: [], user: null };
    const user = { role: role as SystemRole, allSubAccounts: rawBoolean(raw['user_all_environments']) };
    const environmentIds = rawJsonArray(raw['user_environments']).map(String);
    return { rolePolicies: [], user: entitlementOf(user, rulesOf(raw['user_roles']), rulesOf(raw['group_rules']), environmentIds) };
  },
};

/**
 * Global, and nothing else in it: authentication (libs/credentials, which cannot depend on people) finds
 * USER_HOLDINGS_PART through it, and nothing more of people.
 */
@Global()
@Module({ providers: [{ provide: USER_HOLDINGS_PART, useValue: USER_HOLDINGS }], exports: [USER_HOLDINGS_PART] })
export class UserHoldingsPartModule {}

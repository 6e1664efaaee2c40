import { rawJsonArray } from '@castellan/core';
import type { PolicyRule, UserPrivileges } from '@castellan/core';
import { SYSTEM_ROLE_RULES } from '@castellan/permissions';
import type { UserEntity } from '../users/user.entity.js';

/** Each policy of an aggregate of rules columns (simple-json text each); a group may have none. */
export const rulesOf = (aggregate: unknown): (PolicyRule[] | null)[] =>
  rawJsonArray(aggregate).map((text) => (typeof text === 'string' ? (JSON.parse(text) as PolicyRule[] | null) : null));

/**
 * What a user is entitled to from what the database holds of it, however it was read: the system role's rules, each
 * custom role's and each group's own rules, and the environments it reaches.
 */
export function entitlementOf(
  user: Pick<UserEntity, 'role' | 'allSubAccounts'>,
  roleRules: (PolicyRule[] | null)[],
  groupRules: (PolicyRule[] | null)[],
  environmentIds: string[],
): UserPrivileges {
  const unrestricted = user.role === 'master_admin' || user.allSubAccounts;
  return {
    policies: [
      SYSTEM_ROLE_RULES[user.role].rules,
      ...[...roleRules, ...groupRules].filter((rules): rules is PolicyRule[] => Boolean(rules?.length)),
    ],
    environmentIds: unrestricted ? null : environmentIds,
  };
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { LastUseRecorder } from '@castellan/credentials';
import { EntityManager, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { jsonArrayAgg, rawBoolean, rawJsonArray } from '@castellan/core';
import type { KeyHoldings, KeyKind, PolicyRule, RoleHolders, UserEntitlement, UserPrivileges, UserPrivilegeSource } from '@castellan/core';
import { SYSTEM_ROLE_RULES } from '@castellan/permissions';
import type { SystemRole } from '@castellan/permissions';
import { UserGroupMemberEntity } from '../groups/user-group-member.entity.js';
import { UserGroupEntity } from '../groups/user-group.entity.js';
import type { RoleAssignmentEntity } from '../roles/role-assignment.entity.js';
import { RoleAssignmentRepository } from '../roles/role-assignment.repository.js';
import { RoleEntity } from '../roles/role.entity.js';
import { UserEnvironmentEntity } from '../users/user-environment.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * What a user may do right now: the system role's rules, each custom role the user or one of its groups
 * holds, and each group's own rules, as separate policies whose union the user holds. A user key's verification
 * reads them with the key, in the key's query (selectHoldings); the verification cache drops the account's keys
 * after every change, so demoting, disabling or deleting the user takes effect on the next request.
 */
@Injectable()
export class UserPrivilegesService implements UserPrivilegeSource, OnModuleInit {
  constructor(
    private readonly lastUse: LastUseRecorder,
    private readonly assignments: RoleAssignmentRepository,
  ) {}

  /** A user stops being pending, and gets its last login, when one of its keys is used (batched, off the request path). */
  onModuleInit(): void {
    this.lastUse.onFlush(async (manager, uses) => {
      for (const use of uses) {
        if (use.userId) await manager.getRepository(UserEntity).update({ accountId: use.accountId, id: use.userId }, { pending: false, lastLogin: use.at });
      }
    });
  }

  /**
   * Each part is one subquery or join, correlated with the key's row: the key's custom roles; its user; the rules
   * of the user's groups; the custom roles the user or one of its groups holds; the user's environments.
   */
  selectHoldings<Q extends SelectQueryBuilder<ObjectLiteral>>(query: Q, k: string): Q {
    const agg = (expression: string) => jsonArrayAgg(query.connection, expression);
    const groupsOfUser = `SELECT m.group_id FROM user_group_members m WHERE m.account_id = ${k}.account_id AND m.user_id = ${k}.user_id`;
    const rolesHeldBy = (holders: string) =>
      `(SELECT ${agg('r.rules')} FROM roles r WHERE r.account_id = ${k}.account_id AND r.id IN ` +
      `(SELECT a.role_id FROM role_assignments a WHERE a.account_id = ${k}.account_id AND (${holders})))`;
    return query
      .addSelect(rolesHeldBy(`a.holder_type = 'key' AND a.holder_id = ${k}.id`), HOLDINGS.keyRoles)
      .leftJoin('users', 'holder', `holder.account_id = ${k}.account_id AND holder.id = ${k}.user_id`)
      .addSelect('holder.role', HOLDINGS.userRole)
      .addSelect('holder.enabled', HOLDINGS.userEnabled)
      .addSelect('holder.all_sub_accounts', HOLDINGS.userAllEnvironments)
      .addSelect(`(SELECT ${agg('g.rules')} FROM user_groups g WHERE g.account_id = ${k}.account_id AND g.id IN (${groupsOfUser}))`, HOLDINGS.groupRules)
      .addSelect(rolesHeldBy(`(a.holder_type = 'user' AND a.holder_id = ${k}.user_id) OR (a.holder_type = 'group' AND a.holder_id IN (${groupsOfUser}))`), HOLDINGS.userRoles)
      .addSelect(
        `(SELECT ${agg('e.environment_id')} FROM user_environments e WHERE e.account_id = ${k}.account_id AND e.user_id = ${k}.user_id)`,
        HOLDINGS.userEnvironments,
      );
  }

  async entitlements(manager: EntityManager, accountId: string, userIds: readonly string[]): Promise<Map<string, UserEntitlement>> {
    const users = userIds.length ? await manager.getRepository(UserEntity).find({ where: { accountId, id: In(unique(userIds)) } }) : [];
    if (users.length === 0) return new Map();
    const ids = users.map((u) => u.id);
    const memberships = await manager.getRepository(UserGroupMemberEntity).find({ where: { accountId, userId: In(ids) } });
    const groupIds = unique(memberships.map((m) => m.groupId));
    const groups = groupIds.length ? await manager.getRepository(UserGroupEntity).find({ where: { accountId, id: In(groupIds) } }) : [];
    const assignments = await this.assignments.heldBy(accountId, { user: ids, group: groupIds }, manager);
    const roleIds = unique(assignments.map((a) => a.roleId));
    const roles = new Map((roleIds.length ? await manager.getRepository(RoleEntity).find({ where: { accountId, id: In(roleIds) } }) : []).map((r) => [r.id, r]));
    const environments = await manager.getRepository(UserEnvironmentEntity).find({ where: { accountId, userId: In(ids) } });
    return new Map(
      users.map((user) => {
        const groupsOfUser = new Set(memberships.filter((m) => m.userId === user.id).map((m) => m.groupId));
        const held = (a: RoleAssignmentEntity) => (a.holderType === 'user' ? a.holderId === user.id : groupsOfUser.has(a.holderId));
        const roleRules = unique(assignments.filter(held).map((a) => a.roleId)).flatMap((id) => (roles.has(id) ? [roles.get(id)!.rules] : []));
        const groupRules = groups.filter((g) => groupsOfUser.has(g.id)).map((g) => g.rules);
        const reach = environments.filter((e) => e.userId === user.id).map((e) => e.environmentId);
        return [user.id, { ...entitlementOf(user, roleRules, groupRules, reach), enabled: user.enabled }];
      }),
    );
  }

  async keyRoles(manager: EntityManager, accountId: string, keyIds: readonly string[]): Promise<Map<string, PolicyRule[][]>> {
    const assignments = await this.assignments.heldBy(accountId, { key: keyIds }, manager);
    const roleIds = unique(assignments.map((a) => a.roleId));
    const roles = new Map((roleIds.length ? await manager.getRepository(RoleEntity).find({ where: { accountId, id: In(roleIds) } }) : []).map((r) => [r.id, r.rules]));
    const byKey = new Map<string, PolicyRule[][]>();
    for (const a of assignments) {
      const rules = roles.get(a.roleId);
      if (rules) byKey.set(a.holderId, [...(byKey.get(a.holderId) ?? []), rules]);
    }
    return byKey;
  }

  async roleHolders(manager: EntityManager, accountId: string, roleId: string): Promise<RoleHolders> {
    const assignments = await this.assignments.holdersOf(manager, accountId, roleId);
    const of = (type: RoleAssignmentEntity['holderType']) => assignments.filter((a) => a.holderType === type).map((a) => a.holderId);
    const groupIds = of('group');
    const members = groupIds.length ? await manager.getRepository(UserGroupMemberEntity).find({ where: { accountId, groupId: In(groupIds) } }) : [];
    return { userIds: unique([...of('user'), ...members.map((m) => m.userId)]), keyIds: of('key') };
  }

  async groupMembers(manager: EntityManager, accountId: string, groupId: string): Promise<string[]> {
    return (await manager.getRepository(UserGroupMemberEntity).find({ where: { accountId, groupId } })).map((m) => m.userId);
  }

  readHoldings(raw: Record<string, unknown>, key: { kind: KeyKind; userId: string | null }): KeyHoldings {
    if (key.kind !== 'user') return { rolePolicies: rulesOf(raw[HOLDINGS.keyRoles]).filter((rules) => rules !== null), user: null };
    const role = raw[HOLDINGS.userRole];
    if (typeof role !== 'string') return { rolePolicies: [], user: null };
    const user = { role: role as SystemRole, enabled: rawBoolean(raw[HOLDINGS.userEnabled]), allSubAccounts: rawBoolean(raw[HOLDINGS.userAllEnvironments]) };
    const environmentIds = rawJsonArray(raw[HOLDINGS.userEnvironments]).map(String);
    return { rolePolicies: [], user: privilegesOf(user, rulesOf(raw[HOLDINGS.userRoles]), rulesOf(raw[HOLDINGS.groupRules]), environmentIds) };
  }
}

/** The columns selectHoldings adds, prefixed so that they cannot meet the key's own. */
const HOLDINGS = {
  keyRoles: 'holdings_key_roles',
  userRole: 'holdings_user_role',
  userEnabled: 'holdings_user_enabled',
  userAllEnvironments: 'holdings_user_all_environments',
  groupRules: 'holdings_group_rules',
  userRoles: 'holdings_user_roles',
  userEnvironments: 'holdings_user_environments',
};

/** Each policy of an aggregate of rules columns (simple-json text each); a group may have none. */
const rulesOf = (aggregate: unknown): (PolicyRule[] | null)[] =>
  rawJsonArray(aggregate).map((text) => (typeof text === 'string' ? (JSON.parse(text) as PolicyRule[] | null) : null));

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** A user's privileges as it acts now: none while it is disabled, its entitlement otherwise. */
function privilegesOf(
  user: Pick<UserEntity, 'role' | 'enabled' | 'allSubAccounts'>,
  roleRules: (PolicyRule[] | null)[],
  groupRules: (PolicyRule[] | null)[],
  environmentIds: string[],
): UserPrivileges | null {
  return user.enabled ? entitlementOf(user, roleRules, groupRules, environmentIds) : null;
}

/**
 * What a user is entitled to from what the database holds of it, however it was read: the system role's rules, each
 * custom role's and each group's own rules, and the environments it reaches.
 */
function entitlementOf(
  user: Pick<UserEntity, 'role' | 'allSubAccounts'>,
  roleRules: (PolicyRule[] | null)[],
  groupRules: (PolicyRule[] | null)[],
  environmentIds: string[],
): UserPrivileges {
  const unrestricted = user.role === 'master_admin' || user.allSubAccounts;
  return {
    policies: [SYSTEM_ROLE_RULES[user.role].rules, ...[...roleRules, ...groupRules].filter((rules): rules is PolicyRule[] => Boolean(rules?.length))],
    environmentIds: unrestricted ? null : environmentIds,
  };
}

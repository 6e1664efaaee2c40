import { Injectable, OnModuleInit } from '@nestjs/common';
import { LastUseRecorder } from '@castellan/credentials';
import { EntityManager, In } from 'typeorm';
import type { PolicyRule, RoleHolders, UserEntitlement, UserPrivilegeSource } from '@castellan/core';
import { UserGroupMemberEntity } from '../groups/user-group-member.entity.js';
import { UserGroupEntity } from '../groups/user-group.entity.js';
import type { RoleAssignmentEntity } from '../roles/role-assignment.entity.js';
import { RoleAssignmentRepository } from '../roles/role-assignment.repository.js';
import { RoleEntity } from '../roles/role.entity.js';
import { UserEnvironmentEntity } from '../users/user-environment.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { entitlementOf } from './entitlement.js';

/**
 * What a user may do: the system role's rules, each custom role the user or one of its groups holds, and each
 * group's own rules, as separate policies whose union the user holds; here as the grant invariant reads it. A user
 * key's verification reads the same with the key, in the key's query (USER_HOLDINGS).
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
        if (use.userId)
          await manager
            .getRepository(UserEntity)
            .update({ accountId: use.accountId, id: use.userId }, { pending: false, lastLogin: use.at });
      }
    });
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
    const roles = new Map(
      (roleIds.length ? await manager.getRepository(RoleEntity).find({ where: { accountId, id: In(roleIds) } }) : []).map((r) => [r.id, r]),
    );
    const environments = await manager.getRepository(UserEnvironmentEntity).find({ where: { accountId, userId: In(ids) } });
    return new Map(
      users.map((user) => {
        const groupsOfUser = new Set(memberships.filter((m) => m.userId === user.id).map((m) => m.groupId));
        const held = (a: RoleAssignmentEntity) => (a.holderType === 'user' ? a.holderId === user.id : groupsOfUser.has(a.holderId));
        const roleRules = unique(assignments.filter(held).map((a) => a.roleId)).flatMap((id) =>
          roles.has(id) ? [roles.get(id)!.rules] : [],
        );
        const groupRules = groups.filter((g) => groupsOfUser.has(g.id)).map((g) => g.rules);
        const reach = environments.filter((e) => e.userId === user.id).map((e) => e.environmentId);
        return [user.id, { ...entitlementOf(user, roleRules, groupRules, reach), enabled: user.enabled }];
      }),
    );
  }

  async keyRoles(manager: EntityManager, accountId: string, keyIds: readonly string[]): Promise<Map<string, PolicyRule[][]>> {
    const assignments = await this.assignments.heldBy(accountId, { key: keyIds }, manager);
    const roleIds = unique(assignments.map((a) => a.roleId));
    const roles = new Map(
      (roleIds.length ? await manager.getRepository(RoleEntity).find({ where: { accountId, id: In(roleIds) } }) : []).map((r) => [
        r.id,
        r.rules,
      ]),
    );
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
    const members = groupIds.length
      ? await manager.getRepository(UserGroupMemberEntity).find({ where: { accountId, groupId: In(groupIds) } })
      : [];
    return { userIds: unique([...of('user'), ...members.map((m) => m.userId)]), keyIds: of('key') };
  }

  async groupMembers(manager: EntityManager, accountId: string, groupId: string): Promise<string[]> {
    return (await manager.getRepository(UserGroupMemberEntity).find({ where: { accountId, groupId } })).map((m) => m.userId);
  }
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

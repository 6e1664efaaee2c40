import { Injectable, OnModuleInit } from '@nestjs/common';
import { LastUseRecorder } from '@castellan/credentials';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, Repository } from 'typeorm';
import type { PolicyRule, UserPrivileges, UserPrivilegeSource } from '@castellan/core';
import { SYSTEM_ROLE_RULES } from '@castellan/permissions';
import { UserGroupMemberEntity } from '../groups/user-group-member.entity.js';
import { UserGroupEntity } from '../groups/user-group.entity.js';
import { RoleAssignmentEntity } from '../roles/role-assignment.entity.js';
import { RoleEntity } from '../roles/role.entity.js';
import { UserEnvironmentEntity } from '../users/user-environment.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * What a user may do right now: the system role's rules, each custom role the user or one of its groups
 * holds, and each group's own rules, as separate policies whose union the user holds. Read fresh for every
 * request that a user key makes, so demoting, disabling or deleting the user takes effect at once.
 */
@Injectable()
export class UserPrivilegesService implements UserPrivilegeSource, OnModuleInit {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserEnvironmentEntity) private readonly environments: Repository<UserEnvironmentEntity>,
    @InjectRepository(UserGroupMemberEntity) private readonly members: Repository<UserGroupMemberEntity>,
    @InjectRepository(UserGroupEntity) private readonly groups: Repository<UserGroupEntity>,
    @InjectRepository(RoleAssignmentEntity) private readonly assignments: Repository<RoleAssignmentEntity>,
    @InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>,
    private readonly lastUse: LastUseRecorder,
  ) {}

  /** A user stops being pending, and gets its last login, when one of its keys is used (batched, off the request path). */
  onModuleInit(): void {
    this.lastUse.onFlush(async (manager, uses) => {
      for (const use of uses) {
        if (use.userId) await manager.getRepository(UserEntity).update({ accountId: use.accountId, id: use.userId }, { pending: false, lastLogin: use.at });
      }
    });
  }

  async keyRoles(accountId: string, keyId: string): Promise<PolicyRule[][]> {
    const roleIds = (await this.assignments.find({ where: { accountId, holderType: 'key', holderId: keyId } })).map((a) => a.roleId);
    return roleIds.length ? (await this.roles.find({ where: { accountId, id: In(roleIds) } })).map((r) => r.rules) : [];
  }

  async forUser(accountId: string, userId: string): Promise<UserPrivileges | null> {
    const user = await this.users.findOne({ where: { accountId, id: userId } });
    if (!user || !user.enabled) return null;
    const groupIds = (await this.members.find({ where: { accountId, userId } })).map((m) => m.groupId);
    const groups = groupIds.length ? await this.groups.find({ where: { accountId, id: In(groupIds) } }) : [];
    const holders: FindOptionsWhere<RoleAssignmentEntity>[] = [{ accountId, holderType: 'user', holderId: userId }];
    if (groupIds.length) holders.push({ accountId, holderType: 'group', holderId: In(groupIds) });
    const roleIds = [...new Set((await this.assignments.find({ where: holders })).map((a) => a.roleId))];
    const roles = roleIds.length ? await this.roles.find({ where: { accountId, id: In(roleIds) } }) : [];
    const policies: PolicyRule[][] = [
      SYSTEM_ROLE_RULES[user.role].rules,
      ...roles.map((r) => r.rules),
      ...groups.flatMap((g) => (g.rules?.length ? [g.rules] : [])),
    ];
    const unrestricted = user.role === 'master_admin' || user.allSubAccounts;
    const environmentIds = unrestricted ? null : (await this.environments.find({ where: { accountId, userId } })).map((e) => e.environmentId);
    return { policies, environmentIds };
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorCode, isoSeconds, isUniqueViolation, newRecordId, Principal, ReplicaReader } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { GrantService } from '@castellan/credentials';
import { PermissionCatalog, validatePolicy } from '@castellan/permissions';
import { RoleRepository } from '../roles/role.repository.js';
import { RoleAssignmentRepository } from '../roles/role-assignment.repository.js';
import { isSystemRole } from '../roles/role.service.js';
import { UserRepository } from '../users/user.repository.js';
import { UserGroupRepository } from './user-group.repository.js';
import { UserGroupMemberEntity } from './user-group-member.entity.js';
import { UserGroupEntity } from './user-group.entity.js';
import {
  DeletedGroupDto,
  GroupNameDto,
  GroupPermissionsDto,
  GroupPermissionsInputDto,
  GroupUserDto,
  GroupUsersDto,
  UserGroupDto,
  UserGroupListDto,
  UserGroupsOfUserDto,
} from './dto/group.dto.js';

const notFound = (id: string) => AppError.notFound('User group', id);
const userNotFound = (id: string) => AppError.notFound('User', id);

/**
 * User groups, their members, and what membership grants: custom roles and rules of the group. Nobody can
 * make a group grant, or hand a group's grants to a user, what they do not hold themselves; nor change the
 * membership or grants of a group whose members hold more than they do (the grant invariant, GrantService).
 */
@Injectable()
export class UserGroupService {
  constructor(
    private readonly groups: UserGroupRepository,
    private readonly users: UserRepository,
    private readonly roles: RoleRepository,
    private readonly assignments: RoleAssignmentRepository,
    private readonly grants: GrantService,
    private readonly accounts: AccountTransactions,
    private readonly catalog: PermissionCatalog,
    private readonly replicas: ReplicaReader,
  ) {}

  list(accountId: string, extended = false): Promise<UserGroupListDto> {
    return this.replicas.read(async (replica) => {
      const groups = await this.groups.list(accountId, replica);
      return { user_groups: await this.present(accountId, groups, extended, replica) };
    });
  }

  get(accountId: string, id: string, extended = false): Promise<UserGroupDto> {
    return this.replicas.read((replica) => this.presentOne(accountId, id, extended, replica));
  }

  async create(accountId: string, input: GroupNameDto): Promise<UserGroupDto> {
    const now = new Date();
    const group = Object.assign(new UserGroupEntity(), {
      id: newRecordId(),
      accountId,
      name: input.name,
      rules: null,
      createdAt: now,
      updatedAt: now,
    } satisfies UserGroupEntity);
    await this.groups.insert(group);
    return { id: group.id, name: group.name };
  }

  async update(accountId: string, id: string, input: GroupNameDto): Promise<UserGroupDto> {
    await this.require(accountId, id);
    await this.groups.rename(accountId, id, input.name, new Date());
    // From the primary: the answer shows this change.
    return this.presentOne(accountId, id, false);
  }

  /** Cloudinary answers a group delete with `{"ok":true}`, unlike its other deletes. Its members lose what it granted. */
  async delete(caller: Principal, id: string): Promise<DeletedGroupDto> {
    const accountId = caller.accountId;
    await this.accounts.run(accountId, async (manager) => {
      await this.require(accountId, id, manager);
      await this.grants.change(manager, caller, { subjects: [{ group: id }], widens: false }, async (tx) => {
        await this.assignments.deleteOf(tx, accountId, 'group', id);
        await this.groups.delete(tx, accountId, id);
      });
    });
    return { ok: true };
  }

  members(accountId: string, id: string): Promise<GroupUsersDto> {
    return this.replicas.read((replica) => this.memberList(accountId, id, replica));
  }

  /** Adding a member twice changes nothing. The member then holds nothing the caller does not: it hands the group's grants on. */
  async addMember(caller: Principal, id: string, userId: string): Promise<GroupUsersDto> {
    const accountId = caller.accountId;
    try {
      await this.accounts.run(accountId, async (manager) => {
        await this.require(accountId, id, manager);
        if (!(await this.users.findById(accountId, userId, manager))) throw userNotFound(userId);
        if (await this.groups.isMember(accountId, id, userId, manager)) return;
        const member = Object.assign(new UserGroupMemberEntity(), { groupId: id, userId, accountId, createdAt: new Date() });
        await this.grants.change(manager, caller, { subjects: [{ user: userId }], widens: true }, (tx) =>
          this.groups.addMember(tx, member),
        );
      });
    } catch (error) {
      // A concurrent request added the same member first: the outcome is the one asked for.
      if (!isUniqueViolation(error)) throw error;
    }
    return this.memberList(accountId, id);
  }

  /** Removing a member takes the group's grants away from it: only a caller who holds at least what the member holds may. */
  async removeMember(caller: Principal, id: string, userId: string): Promise<GroupUsersDto> {
    const accountId = caller.accountId;
    await this.accounts.run(accountId, async (manager) => {
      await this.require(accountId, id, manager);
      if (!(await this.groups.isMember(accountId, id, userId, manager))) {
        throw new AppError(ErrorCode.NotFound, `User ${userId} is not a member of user group ${id}`);
      }
      await this.grants.change(manager, caller, { subjects: [{ user: userId }], widens: false }, (tx) =>
        this.groups.removeMember(tx, accountId, id, userId),
      );
    });
    return this.memberList(accountId, id);
  }

  groupsOfUser(accountId: string, userId: string): Promise<UserGroupsOfUserDto> {
    return this.replicas.read(async (replica) => {
      if (!(await this.users.findById(accountId, userId, replica))) throw userNotFound(userId);
      return { groups: (await this.groups.groupsOf(accountId, userId, replica)).map((g) => ({ id: g.id, name: g.name })) };
    });
  }

  async permissions(accountId: string, id: string, manager?: EntityManager): Promise<GroupPermissionsDto> {
    const group = await this.require(accountId, id, manager);
    const held = await this.assignments.heldBy(accountId, { group: [id] }, manager);
    return { roles: held.map((a) => a.roleId), rules: group.rules ?? [] };
  }

  /**
   * Replaces the group's custom roles and rules together. The caller must hold everything each of them grants, and
   * every member, before and after, holds nothing the caller does not.
   */
  async replacePermissions(caller: Principal, id: string, input: GroupPermissionsInputDto): Promise<GroupPermissionsDto> {
    const accountId = caller.accountId;
    await this.require(accountId, id);
    const rules = validatePolicy({ rules: input.rules }, this.catalog);
    const roleIds = [...new Set(input.roles ?? [])];
    const system = roleIds.find(isSystemRole);
    if (system) {
      throw AppError.invalid(
        `roles: "${system}" is a system role; system roles are held by users, not groups, so a group's roles must be ids of custom roles`,
      );
    }
    return this.accounts.run(accountId, async (manager) => {
      // Under the account lock, so that a role cannot be deleted between this check and the assignment.
      await this.require(accountId, id, manager);
      const roles = await this.roles.findByIds(accountId, roleIds, manager);
      const missing = roleIds.find((roleId) => !roles.some((r) => r.id === roleId));
      if (missing) throw AppError.notFound('Role', missing);
      // Each role is a source of its own: a deny in one does not cancel another's allow.
      const stores = [...roles.map((r) => ({ owner: `role ${r.id}`, rules: r.rules })), { owner: `user group ${id}`, rules }];
      await this.grants.change(manager, caller, { subjects: [{ group: id }], widens: true, stores }, async (tx) => {
        await this.groups.replaceRules(tx, accountId, id, rules, new Date());
        await this.assignments.replace(tx, accountId, 'group', id, roleIds);
      });
      return this.permissions(accountId, id, manager);
    });
  }

  private async require(accountId: string, id: string, manager?: EntityManager): Promise<UserGroupEntity> {
    const group = await this.groups.findById(accountId, id, manager);
    if (!group) throw notFound(id);
    return group;
  }

  private async presentOne(accountId: string, id: string, extended: boolean, manager?: EntityManager): Promise<UserGroupDto> {
    const [dto] = await this.present(accountId, [await this.require(accountId, id, manager)], extended, manager);
    return dto!;
  }

  /** The group's members: from a replica for a GET, from the primary (no `manager`) for a change that answers with them. */
  private async memberList(accountId: string, id: string, manager?: EntityManager): Promise<GroupUsersDto> {
    await this.require(accountId, id, manager);
    return { users: (await this.membersOf(accountId, [id], manager)).get(id) ?? [] };
  }

  /** Each group's members as `{id, name, email}`, in the order they were added. */
  private async membersOf(accountId: string, groupIds: string[], manager?: EntityManager): Promise<Map<string, GroupUserDto[]>> {
    const memberships = await this.groups.membersOf(accountId, groupIds, manager);
    const users = new Map(
      (await this.users.findByIds(accountId, [...new Set(memberships.map((m) => m.userId))], manager)).map((u) => [u.id, u]),
    );
    const byGroup = new Map<string, GroupUserDto[]>();
    for (const m of memberships) {
      const user = users.get(m.userId);
      if (user) byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), { id: user.id, name: user.name, email: user.email }]);
    }
    return byGroup;
  }

  private async present(accountId: string, groups: UserGroupEntity[], extended: boolean, manager?: EntityManager): Promise<UserGroupDto[]> {
    if (!extended) return groups.map((g) => ({ id: g.id, name: g.name }));
    const members = await this.membersOf(
      accountId,
      groups.map((g) => g.id),
      manager,
    );
    return groups.map((g) => ({
      id: g.id,
      name: g.name,
      users: members.get(g.id) ?? [],
      created_at: isoSeconds(g.createdAt),
      updated_at: isoSeconds(g.updatedAt),
    }));
  }
}

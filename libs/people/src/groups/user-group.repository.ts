import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { GrantedTransaction } from '@castellan/core';
import { UserGroupMemberEntity } from './user-group-member.entity.js';
import { UserGroupEntity } from './user-group.entity.js';

/** User groups and their members. Every method takes the account id and puts it in every WHERE. */
@Injectable()
export class UserGroupRepository {
  constructor(
    @InjectRepository(UserGroupEntity) private readonly groups: Repository<UserGroupEntity>,
    @InjectRepository(UserGroupMemberEntity) private readonly members: Repository<UserGroupMemberEntity>,
  ) {}

  private groupRepo(manager?: EntityManager): Repository<UserGroupEntity> {
    return manager ? manager.getRepository(UserGroupEntity) : this.groups;
  }

  private memberRepo(manager?: EntityManager): Repository<UserGroupMemberEntity> {
    return manager ? manager.getRepository(UserGroupMemberEntity) : this.members;
  }

  list(accountId: string, manager?: EntityManager): Promise<UserGroupEntity[]> {
    return this.groupRepo(manager).find({ where: { accountId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(accountId: string, id: string, manager?: EntityManager): Promise<UserGroupEntity | null> {
    return this.groupRepo(manager).findOne({ where: { accountId, id } });
  }

  async insert(group: UserGroupEntity): Promise<void> {
    await this.groups.insert(group);
  }

  async rename(accountId: string, id: string, name: string, now: Date): Promise<void> {
    await this.groups.update({ accountId, id }, { name, updatedAt: now });
  }

  /** What the group grants its members: written only inside the grant invariant's check. */
  async replaceRules(
    manager: GrantedTransaction,
    accountId: string,
    id: string,
    rules: UserGroupEntity['rules'],
    now: Date,
  ): Promise<void> {
    await this.groupRepo(manager).update({ accountId, id }, { rules, updatedAt: now });
  }

  /** The group and its memberships (the foreign key cascades, but the account id is checked here too). */
  async delete(manager: GrantedTransaction, accountId: string, id: string): Promise<void> {
    await this.memberRepo(manager).delete({ accountId, groupId: id });
    await this.groupRepo(manager).delete({ accountId, id });
  }

  /** The memberships of the groups, in the order they were made. */
  membersOf(accountId: string, groupIds: string[], manager?: EntityManager): Promise<UserGroupMemberEntity[]> {
    if (groupIds.length === 0) return Promise.resolve([]);
    return this.memberRepo(manager).find({
      where: { accountId, groupId: In([...new Set(groupIds)]) },
      order: { createdAt: 'ASC', userId: 'ASC' },
    });
  }

  /** The groups the user belongs to, oldest group first. */
  groupsOf(accountId: string, userId: string, manager?: EntityManager): Promise<UserGroupEntity[]> {
    return this.groupRepo(manager)
      .createQueryBuilder('g')
      .innerJoin(UserGroupMemberEntity, 'm', 'm.group_id = g.id AND m.account_id = g.account_id')
      .where('g.account_id = :accountId', { accountId })
      .andWhere('m.user_id = :userId', { userId })
      .orderBy('g.created_at', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .getMany();
  }

  /** The ids of the groups the users belong to: for computing what a user holds through groups. */
  async groupIdsOf(accountId: string, userIds: string[]): Promise<UserGroupMemberEntity[]> {
    if (userIds.length === 0) return [];
    return this.members.find({ where: { accountId, userId: In([...new Set(userIds)]) }, order: { createdAt: 'ASC' } });
  }

  isMember(accountId: string, groupId: string, userId: string, manager?: EntityManager): Promise<boolean> {
    return this.memberRepo(manager).exists({ where: { accountId, groupId, userId } });
  }

  // Membership is what a group grants its members: changed only inside the grant invariant's check.

  async addMember(manager: GrantedTransaction, member: UserGroupMemberEntity): Promise<void> {
    await this.memberRepo(manager).insert(member);
  }

  /** Whether a membership was removed. */
  async removeMember(manager: GrantedTransaction, accountId: string, groupId: string, userId: string): Promise<boolean> {
    const result = await this.memberRepo(manager).delete({ accountId, groupId, userId });
    return Boolean(result.affected);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { uniquenessKey } from '@castellan/core';
import type { GrantedTransaction } from '@castellan/core';
import { RoleAssignmentEntity, RoleHolderType } from './role-assignment.entity.js';
import { RoleEntity } from './role.entity.js';

export type RolePatch = Partial<Pick<RoleEntity, 'name' | 'description' | 'rules'>>;

/** Custom roles and who holds them. Every method takes the account id and puts it in every WHERE. */
@Injectable()
export class RoleRepository {
  constructor(
    @InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>,
    @InjectRepository(RoleAssignmentEntity) private readonly assignments: Repository<RoleAssignmentEntity>,
  ) {}

  private roleRepo(manager?: EntityManager): Repository<RoleEntity> {
    return manager ? manager.getRepository(RoleEntity) : this.roles;
  }

  private assignmentRepo(manager?: EntityManager): Repository<RoleAssignmentEntity> {
    return manager ? manager.getRepository(RoleAssignmentEntity) : this.assignments;
  }

  list(accountId: string, manager?: EntityManager): Promise<RoleEntity[]> {
    return this.roleRepo(manager).find({ where: { accountId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(accountId: string, id: string, manager?: EntityManager): Promise<RoleEntity | null> {
    return this.roleRepo(manager).findOne({ where: { accountId, id } });
  }

  /** The account's custom roles among `ids`; ids of other accounts or of no role are left out. */
  findByIds(accountId: string, ids: string[], manager?: EntityManager): Promise<RoleEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.roleRepo(manager).find({ where: { accountId, id: In([...new Set(ids)]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  // A role's rules, and who holds it, are what its holders hold: written only inside the grant invariant's check.

  async insert(manager: GrantedTransaction, role: RoleEntity): Promise<void> {
    await this.roleRepo(manager).insert({ ...role, nameKey: uniquenessKey(role.name) });
  }

  async update(manager: GrantedTransaction, accountId: string, id: string, patch: RolePatch, now: Date): Promise<void> {
    const nameKey = patch.name === undefined ? undefined : uniquenessKey(patch.name);
    await this.roleRepo(manager).update({ accountId, id }, { ...patch, nameKey, updatedAt: now });
  }

  async delete(manager: EntityManager, accountId: string, id: string): Promise<void> {
    await this.roleRepo(manager).delete({ accountId, id });
  }

  /** The custom roles that the given users, groups or keys hold. */
  assignmentsOf(accountId: string, holderType: RoleHolderType, holderIds: string[], manager?: EntityManager): Promise<RoleAssignmentEntity[]> {
    if (holderIds.length === 0) return Promise.resolve([]);
    return this.assignmentRepo(manager).find({
      where: { accountId, holderType, holderId: In([...new Set(holderIds)]) },
      order: { holderId: 'ASC', roleId: 'ASC' },
    });
  }

  /**
   * One holder of the role, if any holds it. Keys are deleted with their environment or user without their
   * assignments (which have no foreign key to follow), so an assignment to a key that is gone holds nothing.
   */
  firstHolderOf(manager: EntityManager, accountId: string, roleId: string): Promise<RoleAssignmentEntity | null> {
    return this.assignmentRepo(manager)
      .createQueryBuilder('a')
      .leftJoin('api_keys', 'k', "a.holder_type = 'key' AND k.id = a.holder_id AND k.account_id = a.account_id")
      .where('a.account_id = :accountId AND a.role_id = :roleId', { accountId, roleId })
      .andWhere("(a.holder_type <> 'key' OR k.id IS NOT NULL)")
      .orderBy('a.holder_type', 'ASC')
      .addOrderBy('a.holder_id', 'ASC')
      .getOne();
  }

  /** Makes `roleIds` the exact set of custom roles the holder has. */
  async replaceAssignments(manager: GrantedTransaction, accountId: string, holderType: RoleHolderType, holderId: string, roleIds: string[]): Promise<void> {
    await this.deleteAssignmentsOf(manager, accountId, holderType, holderId);
    const rows = [...new Set(roleIds)].map((roleId) => Object.assign(new RoleAssignmentEntity(), { roleId, holderType, holderId, accountId }));
    if (rows.length) await this.assignmentRepo(manager).insert(rows);
  }

  async deleteAssignmentsOf(manager: GrantedTransaction, accountId: string, holderType: RoleHolderType, holderId: string): Promise<void> {
    await this.assignmentRepo(manager).delete({ accountId, holderType, holderId });
  }
}

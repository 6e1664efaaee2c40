import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { uniquenessKey } from '@castellan/core';
import type { GrantedTransaction } from '@castellan/core';
import type { RoleAssignmentEntity, RoleHolderType } from './role-assignment.entity.js';
import { RoleAssignmentRepository } from './role-assignment.repository.js';
import { RoleEntity } from './role.entity.js';

export type RolePatch = Partial<Pick<RoleEntity, 'name' | 'description' | 'rules'>>;

/**
 * Custom roles and who holds them (through RoleAssignmentRepository, which alone reads and writes that). Every
 * method takes the account id and puts it in every WHERE.
 */
@Injectable()
export class RoleRepository {
  constructor(
    @InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>,
    private readonly assignments: RoleAssignmentRepository,
  ) {}

  private roleRepo(manager?: EntityManager): Repository<RoleEntity> {
    return manager ? manager.getRepository(RoleEntity) : this.roles;
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
  assignmentsOf(
    accountId: string,
    holderType: RoleHolderType,
    holderIds: string[],
    manager?: EntityManager,
  ): Promise<RoleAssignmentEntity[]> {
    return this.assignments.heldBy(accountId, { [holderType]: holderIds }, manager);
  }

  firstHolderOf(manager: EntityManager, accountId: string, roleId: string): Promise<RoleAssignmentEntity | null> {
    return this.assignments.firstHolderOf(manager, accountId, roleId);
  }

  replaceAssignments(
    manager: GrantedTransaction,
    accountId: string,
    holderType: RoleHolderType,
    holderId: string,
    roleIds: string[],
  ): Promise<void> {
    return this.assignments.replace(manager, accountId, holderType, holderId, roleIds);
  }

  deleteAssignmentsOf(manager: GrantedTransaction, accountId: string, holderType: RoleHolderType, holderId: string): Promise<void> {
    return this.assignments.deleteOf(manager, accountId, holderType, holderId);
  }
}

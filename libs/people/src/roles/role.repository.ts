import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { uniquenessKey } from '@castellan/core';
import type { GrantedTransaction } from '@castellan/core';
import { RoleEntity } from './role.entity.js';

export type RolePatch = Partial<Pick<RoleEntity, 'name' | 'description' | 'rules'>>;

/**
 * Custom roles (who holds them is RoleAssignmentRepository's, which alone reads and writes role_assignments). Every
 * method takes the account id and puts it in every WHERE.
 */
@Injectable()
export class RoleRepository {
  constructor(@InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>) {}

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
}

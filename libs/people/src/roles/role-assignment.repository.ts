import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { GrantedTransaction } from '@castellan/core';
import { KeyDirectory } from '@castellan/credentials';
import { RoleAssignmentEntity, RoleHolderType } from './role-assignment.entity.js';

/** Who a holder is, in SQL: one id (`=`) or a subquery of ids (`IN`). */
export type HolderSql = { type: RoleHolderType } & ({ id: string } | { idIn: string });

/**
 * SQL selecting the ids of the roles that `holders` hold in the account `accountId` (SQL too), for a query that
 * reads roles with what holds them in one statement: a key's verification (USER_HOLDINGS).
 */
export function heldRoleIdsSql(accountId: string, holders: HolderSql[]): string {
  const holder = (h: HolderSql) => `a.holder_type = '${h.type}' AND a.holder_id ${'id' in h ? `= ${h.id}` : `IN (${h.idIn})`}`;
  const anyHolder = holders.map((h) => `(${holder(h)})`).join(' OR ');
  return `SELECT a.role_id FROM role_assignments a WHERE a.account_id = ${accountId} AND (${anyHolder})`;
}

/** Who holds which custom role: the only reader and writer of role_assignments. Every WHERE carries the account id. */
@Injectable()
export class RoleAssignmentRepository {
  constructor(
    @InjectRepository(RoleAssignmentEntity) private readonly assignments: Repository<RoleAssignmentEntity>,
    private readonly keys: KeyDirectory,
  ) {}

  private repo(manager?: EntityManager): Repository<RoleAssignmentEntity> {
    return manager ? manager.getRepository(RoleAssignmentEntity) : this.assignments;
  }

  /** The custom roles that the given holders hold, by holder then role. */
  heldBy(
    accountId: string,
    holders: Partial<Record<RoleHolderType, readonly string[]>>,
    manager?: EntityManager,
  ): Promise<RoleAssignmentEntity[]> {
    const where = Object.entries(holders)
      .filter(([, ids]) => ids.length > 0)
      .map(([holderType, ids]) => ({ accountId, holderType: holderType as RoleHolderType, holderId: In([...new Set(ids)]) }));
    if (where.length === 0) return Promise.resolve([]);
    return this.repo(manager).find({ where, order: { holderId: 'ASC', roleId: 'ASC' } });
  }

  /** Whoever holds the role, ordered by the kind of holder then its id; keys that are gone included. */
  holdersOf(manager: EntityManager, accountId: string, roleId: string): Promise<RoleAssignmentEntity[]> {
    return this.repo(manager).find({ where: { accountId, roleId }, order: { holderType: 'ASC', holderId: 'ASC' } });
  }

  /**
   * One holder of the role, if any holds it. Keys are deleted with their environment or user without their
   * assignments (which have no foreign key to follow), so an assignment to a key that is gone holds nothing.
   */
  async firstHolderOf(manager: EntityManager, accountId: string, roleId: string): Promise<RoleAssignmentEntity | null> {
    const holders = await this.holdersOf(manager, accountId, roleId);
    const keyIds = holders.filter((a) => a.holderType === 'key').map((a) => a.holderId);
    const keys = await this.keys.existingKeyIds(manager, accountId, keyIds);
    return holders.find((a) => a.holderType !== 'key' || keys.has(a.holderId)) ?? null;
  }

  /** Makes `roleIds` the exact set of custom roles the holder has. */
  async replace(
    manager: GrantedTransaction,
    accountId: string,
    holderType: RoleHolderType,
    holderId: string,
    roleIds: readonly string[],
  ): Promise<void> {
    await this.deleteOf(manager, accountId, holderType, holderId);
    const rows = [...new Set(roleIds)].map((roleId) =>
      Object.assign(new RoleAssignmentEntity(), { roleId, holderType, holderId, accountId }),
    );
    if (rows.length) await this.repo(manager).insert(rows);
  }

  async deleteOf(manager: GrantedTransaction, accountId: string, holderType: RoleHolderType, holderId: string): Promise<void> {
    await this.repo(manager).delete({ accountId, holderType, holderId });
  }
}

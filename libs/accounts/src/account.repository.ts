import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AppError } from '@castellan/core';
import { AccountEntity } from './account.entity.js';

export type AccountPatch = Partial<Pick<AccountEntity, 'name' | 'maxProductEnvironments'>>;

@Injectable()
export class AccountRepository {
  constructor(@InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>) {}

  findById(accountId: string): Promise<AccountEntity | null> {
    return this.accounts.findOne({ where: { id: accountId } });
  }

  /** For the operator CLI, which acts across accounts by design. */
  listAll(): Promise<AccountEntity[]> {
    return this.accounts.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  count(manager: EntityManager): Promise<number> {
    return manager.getRepository(AccountEntity).count();
  }

  async insert(manager: EntityManager, account: AccountEntity): Promise<void> {
    await manager.getRepository(AccountEntity).insert(account);
  }

  /**
   * Serialises transactions that check a per-account invariant (limits, the last enabled key): the row
   * update takes the row lock on MySQL, and SQLite has one writer at a time. Returns the locked row.
   */
  async lock(manager: EntityManager, accountId: string): Promise<AccountEntity> {
    const repo = manager.getRepository(AccountEntity);
    const result = await repo.increment({ id: accountId }, 'lockVersion', 1);
    if (!result.affected) throw AppError.notFound('Account', accountId);
    return (await repo.findOne({ where: { id: accountId } }))!;
  }

  async update(accountId: string, patch: AccountPatch, now: Date): Promise<boolean> {
    const result = await this.accounts.update({ id: accountId }, { ...patch, updatedAt: now });
    return Boolean(result.affected);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AccountSecurityEntity } from './account-security.entity.js';

@Injectable()
export class AccountSecurityRepository {
  constructor(@InjectRepository(AccountSecurityEntity) private readonly settings: Repository<AccountSecurityEntity>) {}

  private repo(manager?: EntityManager): Repository<AccountSecurityEntity> {
    return manager ? manager.getRepository(AccountSecurityEntity) : this.settings;
  }

  find(accountId: string, manager?: EntityManager): Promise<AccountSecurityEntity | null> {
    return this.repo(manager).findOne({ where: { accountId } });
  }

  /** Inserts or updates the account's row; callers hold the account lock, so two first writes cannot race. */
  async upsert(manager: EntityManager, accountId: string, row: AccountSecurityEntity, exists: boolean): Promise<void> {
    if (exists) await this.repo(manager).update({ accountId }, { ...row, accountId });
    else await this.repo(manager).insert({ ...row, accountId });
  }
}

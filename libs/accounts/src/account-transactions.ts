import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '@castellan/core';
import { AccountRepository } from './account.repository.js';

/** What a unit of work under the account lock may read of the account. */
export interface LockedAccount {
  id: string;
  maxProductEnvironments: number;
}

/**
 * The one home of the account lock. A unit of work that checks a per-account invariant (limits, the last enabled
 * key, the grant invariant's reads, a parent that must outlive the keys made under it) runs here: in a transaction
 * that first takes the account's row lock, so that such units of one account run one after another on MySQL
 * (SQLite has one writer at a time anyway). An account that does not exist is a 404 before any work.
 */
@Injectable()
export class AccountTransactions {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly accounts: AccountRepository,
  ) {}

  run<T>(accountId: string, work: (manager: EntityManager, account: LockedAccount) => Promise<T>): Promise<T> {
    return this.transactions.run(async (manager) => {
      const { id, maxProductEnvironments } = await this.accounts.lock(manager, accountId);
      return work(manager, { id, maxProductEnvironments });
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountKeyPolicy } from '@castellan/core';
import { AccountSecurityRepository } from './account-security.repository.js';

/** The account's cap on key lifetimes, as key issuing asks for it. */
@Injectable()
export class AccountKeyPolicyService implements AccountKeyPolicy {
  constructor(private readonly settings: AccountSecurityRepository) {}

  async keyMaxLifetimeDays(manager: EntityManager, accountId: string): Promise<number | null> {
    return (await this.settings.find(accountId, manager))?.keyMaxLifetimeDays ?? null;
  }
}

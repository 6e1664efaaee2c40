import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountKeyPolicy } from '@castellan/core';
import { AccountSecurityRepository } from './account-security.repository.js';

/** The account's allowlist, as authentication asks for it on every request, and its cap on key lifetimes. */
@Injectable()
export class AccountKeyPolicyService implements AccountKeyPolicy {
  constructor(private readonly settings: AccountSecurityRepository) {}

  async allowedIps(accountId: string): Promise<string[] | null> {
    return (await this.settings.find(accountId))?.allowedIps ?? null;
  }

  async keyMaxLifetimeDays(manager: EntityManager, accountId: string): Promise<number | null> {
    return (await this.settings.find(accountId, manager))?.keyMaxLifetimeDays ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import type { AccountNetworkPolicy } from '@castellan/core';
import { AccountSecurityRepository } from './account-security.repository.js';

/** The account's IP allowlist, as authentication asks for it on every request. */
@Injectable()
export class AccountNetworkPolicyService implements AccountNetworkPolicy {
  constructor(private readonly settings: AccountSecurityRepository) {}

  async allowedIps(accountId: string): Promise<string[] | null> {
    return (await this.settings.find(accountId))?.allowedIps ?? null;
  }
}

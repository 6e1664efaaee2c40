import { Inject, Injectable, Optional } from '@nestjs/common';
import { Principal, USER_PRIVILEGES } from '@castellan/core';
import type { UserPrivilegeSource } from '@castellan/core';
import { PolicyCompiler } from '@castellan/permissions';
import { ApiKeyRepository } from './api-key.repository.js';
import { Interner } from './interner.js';
import type { VerifiedKey } from './key-cache.js';

const time = (date: Date | null): number | null => (date === null ? null : date.getTime());

/**
 * What a key may act as, right now, read in one query: its own rules, the custom roles it holds, and for a user
 * key its user's current privileges; with what verification checks of it. Built for the verification cache,
 * which may hold a hundred thousand of them, so everything keys share is shared.
 */
@Injectable()
export class KeyPrincipals {
  private readonly shared = new Interner();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly policies: PolicyCompiler,
    // Absent where people are not loaded (the CLI); user keys then never authenticate, and keys hold no roles.
    @Optional() @Inject(USER_PRIVILEGES) private readonly people?: UserPrivilegeSource,
  ) {}

  /** The key named by `apiKey` (in `accountId` when given: the simulator), or null when there is none. */
  async load(apiKey: string, accountId?: string): Promise<VerifiedKey | null> {
    const row = await this.keys.findForVerification(apiKey, { accountId, holdings: this.people });
    if (!row) return null;
    const { key, environment, holdings } = row;
    const { shared } = this;
    const policy = {
      kind: key.kind,
      rules: shared.json(key.rules),
      userPolicies: shared.json(holdings.user?.policies ?? null),
      rolePolicies: shared.json(holdings.rolePolicies),
    };
    // Written out rather than spread, so that V8 gives the object all its fields inline: there are 100,000 of them.
    const principal: Principal = {
      kind: policy.kind,
      rules: policy.rules,
      userPolicies: policy.userPolicies,
      rolePolicies: policy.rolePolicies,
      keyId: key.id,
      // The database's copy, not the caller's: a string cut from a request's header keeps the whole header alive.
      apiKey: key.apiKey,
      name: key.name,
      accountId: shared.string(key.accountId),
      environmentId: shared.string(key.environmentId),
      userId: shared.string(key.userId),
      environmentIds: shared.json(holdings.user?.environmentIds ?? null),
      rateLimitPerMinute: key.rateLimitPerMinute,
      environment: shared.json(environment),
      policyId: this.policies.identify(policy),
    };
    return {
      principal: Object.freeze(principal),
      secretHash: key.secretHash,
      previousSecretHash: key.previousSecretHash,
      previousSecretExpiresAt: time(key.previousSecretExpiresAt),
      enabled: key.enabled,
      expiresAt: time(key.expiresAt),
      allowedIps: shared.json(key.allowedIps),
      accountRanges: shared.json(row.accountAllowedIps),
      usable: key.kind !== 'user' || holdings.user !== null,
    };
  }
}

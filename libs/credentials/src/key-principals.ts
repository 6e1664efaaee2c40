import { Inject, Injectable } from '@nestjs/common';
import { ACCOUNT_ALLOWLIST_PART, ENVIRONMENT_STATE_PART, Principal, USER_HOLDINGS_PART } from '@castellan/core';
import type { EnvironmentState, KeyHoldings, KeyQueryPart } from '@castellan/core';
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
  private readonly parts: {
    holdings: KeyQueryPart<KeyHoldings>;
    allowlist: KeyQueryPart<string[] | null>;
    environment: KeyQueryPart<EnvironmentState | null>;
  };

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly policies: PolicyCompiler,
    // Required: a composition without a library that owns one fails at boot, rather than verify keys without it.
    @Inject(USER_HOLDINGS_PART) holdings: KeyQueryPart<KeyHoldings>,
    @Inject(ACCOUNT_ALLOWLIST_PART) allowlist: KeyQueryPart<string[] | null>,
    @Inject(ENVIRONMENT_STATE_PART) environment: KeyQueryPart<EnvironmentState | null>,
  ) {
    this.parts = { holdings, allowlist, environment };
  }

  /** The key named by `apiKey` (in `accountId` when given: the simulator), or null when there is none. */
  async load(apiKey: string, accountId?: string): Promise<VerifiedKey | null> {
    const row = await this.keys.findForVerification(apiKey, this.parts, { accountId });
    if (!row) return null;
    const { key } = row;
    const { environment, holdings } = row.parts;
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
      accountRanges: shared.json(row.parts.allowlist),
      usable: key.kind !== 'user' || holdings.user !== null,
    };
  }
}

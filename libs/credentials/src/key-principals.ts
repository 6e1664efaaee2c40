import { Inject, Injectable, Optional } from '@nestjs/common';
import { Principal, USER_PRIVILEGES } from '@castellan/core';
import type { EnvironmentState, UserPrivilegeSource } from '@castellan/core';
import { ApiKeyEntity } from './api-key.entity.js';

/**
 * What a key may act as, right now: its own rules, the custom roles it holds, and for a user key its user's
 * current privileges. `usable` is false for a user key whose user is gone or disabled.
 */
@Injectable()
export class KeyPrincipals {
  constructor(
    // Absent where people are not loaded (the CLI); user keys then never authenticate.
    @Optional() @Inject(USER_PRIVILEGES) private readonly people?: UserPrivilegeSource,
  ) {}

  /** `environment`: an environment key's environment, when the caller read it with the key. */
  async resolve(key: ApiKeyEntity, environment?: EnvironmentState | null): Promise<{ principal: Principal; usable: boolean }> {
    const user = key.userId ? await this.people?.forUser(key.accountId, key.userId) : undefined;
    const rolePolicies = key.kind === 'user' ? [] : ((await this.people?.keyRoles(key.accountId, key.id)) ?? []);
    const principal: Principal = {
      kind: key.kind,
      keyId: key.id,
      apiKey: key.apiKey,
      name: key.name,
      accountId: key.accountId,
      environmentId: key.environmentId,
      rules: key.rules,
      userId: key.userId,
      userPolicies: user?.policies ?? null,
      environmentIds: user?.environmentIds ?? null,
      rolePolicies,
      rateLimitPerMinute: key.rateLimitPerMinute,
      ...(key.kind === 'environment' && environment !== undefined ? { environment } : {}),
    };
    return { principal, usable: key.kind !== 'user' || Boolean(user) };
  }
}

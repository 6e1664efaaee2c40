import { Inject, Injectable, Optional } from '@nestjs/common';
import { Principal, recogniseSecret, SecretHasher, USER_PRIVILEGES } from '@castellan/core';
import type { UserPrivilegeSource } from '@castellan/core';
import { ApiKeyRepository } from './api-key.repository.js';

@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    // Absent where people are not loaded (the CLI); user keys then never authenticate.
    @Optional() @Inject(USER_PRIVILEGES) private readonly users?: UserPrivilegeSource,
  ) {}

  /** The principal for a key and secret, or null for anything unknown, disabled or wrong. */
  async verify(apiKey: string, secret: string): Promise<Principal | null> {
    // A string that is not a well-formed secret cannot match, and costs no database round trip.
    const kind = recogniseSecret(secret);
    if (!kind) return null;
    const key = await this.keys.findForAuthentication(apiKey);
    if (!key || key.kind !== kind || !key.enabled || !this.hasher.matches(secret, key.secretHash)) return null;
    // A user key acts with its user's privileges as they are now: a disabled or deleted user stops it.
    const user = key.userId ? await this.users?.forUser(key.accountId, key.userId) : undefined;
    if (key.kind === 'user' && !user) return null;
    const rolePolicies = key.kind === 'user' ? [] : ((await this.users?.keyRoles(key.accountId, key.id)) ?? []);
    return {
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
    };
  }
}

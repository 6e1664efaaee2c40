import { Injectable } from '@nestjs/common';
import { AppError, Principal } from '@castellan/core';
import { ApiKeyEntity, KeyScope } from '@castellan/credentials';
import { effectiveRules, KIND_POLICIES, PermissionCatalog, validatePolicy } from '@castellan/permissions';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { KeyRoles } from '@castellan/people';
import { KeyManager } from './key-manager.js';

const present = (key: ApiKeyEntity, roles: string[]): PolicyDto => ({
  api_key: key.apiKey,
  rules: effectiveRules(key.kind, key.rules),
  roles,
  default: key.rules === null,
});

/**
 * Reading and replacing a key's policy. A caller can never grant what it does not hold itself: the key, with its
 * new rules and roles (and a user key with its user's privileges), must hold nothing the caller does not.
 */
@Injectable()
export class KeyPermissionsService {
  constructor(
    private readonly manager: KeyManager,
    private readonly catalog: PermissionCatalog,
    private readonly roles: KeyRoles,
  ) {}

  async get(accountId: string, scope: KeyScope, apiKey: string): Promise<PolicyDto> {
    const key = await this.manager.find(accountId, scope, apiKey);
    return present(key, await this.roles.of(accountId, key.id));
  }

  /** Replaces the key's rules and custom roles together. */
  async replace(caller: Principal, scope: KeyScope, apiKey: string, body: PolicyInputDto): Promise<PolicyDto> {
    const rules = validatePolicy(body, this.catalog, KIND_POLICIES[scope.kind].validation);
    const roleIds = [...new Set(body.roles ?? [])];
    if (scope.kind === 'user' && roleIds.length) throw AppError.invalid('roles: user keys take their roles from their user');
    await this.roles.requireExisting(caller.accountId, roleIds);
    const key = await this.manager.update(
      caller,
      caller.accountId,
      scope,
      apiKey,
      { rules },
      (tx, current) => this.roles.replace(tx, caller.accountId, current.id, roleIds),
      true,
    );
    return present(key, roleIds);
  }
}

import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, Principal } from '@castellan/core';
import { ApiKeyEntity, KeyScope } from '@castellan/credentials';
import { effectiveRules, KIND_POLICIES, PermissionCatalog, PolicyCompiler, validatePolicy } from '@castellan/permissions';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { RoleRepository } from '@castellan/people';
import { KeyManager } from './key-manager.js';

const present = (key: ApiKeyEntity, roles: string[]): PolicyDto => ({
  api_key: key.apiKey,
  rules: effectiveRules(key.kind, key.rules),
  roles,
  default: key.rules === null,
});

/** Reading and replacing a key's policy. A caller can never grant what it does not hold itself. */
@Injectable()
export class KeyPermissionsService {
  constructor(
    private readonly manager: KeyManager,
    private readonly catalog: PermissionCatalog,
    private readonly policies: PolicyCompiler,
    private readonly roles: RoleRepository,
  ) {}

  async get(accountId: string, scope: KeyScope, apiKey: string): Promise<PolicyDto> {
    const key = await this.manager.find(accountId, scope, apiKey);
    return present(key, (await this.roles.assignmentsOf(accountId, 'key', [key.id])).map((a) => a.roleId));
  }

  /** Replaces the key's rules and custom roles together. */
  async replace(caller: Principal, scope: KeyScope, apiKey: string, body: PolicyInputDto): Promise<PolicyDto> {
    const rules = validatePolicy(body, this.catalog, KIND_POLICIES[scope.kind].validation);
    const roleIds = [...new Set(body.roles ?? [])];
    if (scope.kind === 'user' && roleIds.length) throw AppError.invalid('roles: user keys take their roles from their user');
    const roles = await this.roles.findByIds(caller.accountId, roleIds);
    const missing = roleIds.find((id) => !roles.some((r) => r.id === id));
    if (missing) throw AppError.notFound('Custom role', missing);
    // A user key's own rules only narrow its user's privileges, and its caller never receives its secret.
    if (scope.kind !== 'user') {
      for (const granted of [rules, ...roles.map((r) => r.rules)]) {
        const unheld = this.policies.firstUnheldGrant(caller, scope.kind, granted);
        if (unheld) throw new AppError(ErrorCode.NotAllowed, `Not allowed: ${unheld} cannot be granted by a key that does not hold it`);
      }
    }
    const key = await this.manager.update(caller.accountId, scope, apiKey, { rules }, (tx, current) =>
      this.roles.replaceAssignments(tx, caller.accountId, 'key', current.id, roleIds),
    );
    return present(key, roleIds);
  }
}

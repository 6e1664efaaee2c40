import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, Principal } from '@castellan/core';
import { ApiKeyEntity, KeyScope } from '@castellan/credentials';
import { effectiveRules, KIND_POLICIES, PermissionCatalog, PolicyCompiler, validatePolicy } from '@castellan/permissions';
import { PolicyDto } from './dto/permissions.dto.js';
import { KeyManager } from './key-manager.js';

const present = (key: ApiKeyEntity): PolicyDto => ({ api_key: key.apiKey, rules: effectiveRules(key.kind, key.rules), default: key.rules === null });

/** Reading and replacing a key's policy. A caller can never grant what it does not hold itself. */
@Injectable()
export class KeyPermissionsService {
  constructor(
    private readonly manager: KeyManager,
    private readonly catalog: PermissionCatalog,
    private readonly policies: PolicyCompiler,
  ) {}

  async get(accountId: string, scope: KeyScope, apiKey: string): Promise<PolicyDto> {
    return present(await this.manager.find(accountId, scope, apiKey));
  }

  async replace(caller: Principal, scope: KeyScope, apiKey: string, body: unknown): Promise<PolicyDto> {
    const rules = validatePolicy(body, this.catalog, KIND_POLICIES[scope.kind].validation);
    // A user key's own rules only narrow its user's privileges, and its caller never receives its secret.
    const unheld = scope.kind === 'user' ? undefined : this.policies.firstUnheldGrant(caller, scope.kind, rules);
    if (unheld) throw new AppError(ErrorCode.NotAllowed, `Not allowed: ${unheld} cannot be granted by a key that does not hold it`);
    return present(await this.manager.update(caller.accountId, scope, apiKey, { rules }));
  }
}

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
    const kind = scope.kind;
    const rules = validatePolicy(body, this.catalog, KIND_POLICIES[kind].validation);
    this.refuseEscalation(caller, rules.filter((r) => r.effect === 'allow').flatMap((r) => r.actions), KIND_POLICIES[kind].excludedPrefix);
    return present(await this.manager.update(caller.accountId, scope, apiKey, { rules }));
  }

  /** Every action an allow rule would grant must be one the caller holds for any resource. */
  private refuseEscalation(caller: Principal, patterns: string[], excludedPrefix: string | undefined): void {
    const own = this.policies.forKey(caller.kind, caller.rules);
    for (const pattern of patterns) {
      for (const action of this.catalog.expand(pattern) ?? []) {
        if (excludedPrefix && action.name.startsWith(excludedPrefix)) continue;
        if (!own.holdsUnconditionally(action.name)) {
          throw new AppError(ErrorCode.NotAllowed, `Not allowed: ${action.name} cannot be granted by a key that does not hold it`);
        }
      }
    }
  }
}

import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, Principal, ReplicaReader } from '@castellan/core';
import { KeyStore, Caller, KeyScope } from '@castellan/credentials';
import { AccessKeyDto, AccountKeyListDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto } from './dto/access-key.dto.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { KeyCaller, KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { presentIssued, presentKey, settingsPatch } from './key-presenter.js';

const ACCOUNT: KeyScope = { kind: 'account' };

/** Keys that manage the account. They can be disabled but never deleted, and one always stays enabled. */
@Injectable()
export class AccountApiKeyService {
  constructor(
    private readonly manager: KeyManager,
    private readonly keys: KeyStore,
    private readonly policies: KeyPermissionsService,
    private readonly replicas: ReplicaReader,
  ) {}

  async list(accountId: string, query: ListKeysDto): Promise<AccountKeyListDto> {
    const { rows, total } = await this.replicas.read((replica) => this.manager.list(accountId, ACCOUNT, query, replica));
    return { account_api_keys: rows.map((k) => presentKey(k)), total };
  }

  async generate(maker: Principal, input: GenerateKeyDto): Promise<AccessKeyDto> {
    // The account outlives its keys: it is never deleted.
    return presentIssued(await this.manager.generate(maker, ACCOUNT, input, () => Promise.resolve()));
  }

  async rotate(caller: Caller, accountId: string, apiKey: string, input: RotateKeyDto): Promise<AccessKeyDto> {
    return presentIssued(await this.manager.rotate(caller, accountId, ACCOUNT, apiKey, input.grace_seconds ?? 0));
  }

  async update(caller: KeyCaller, apiKey: string, input: UpdateAccountKeyDto): Promise<AccessKeyDto> {
    const accountId = caller.principal.accountId;
    const patch = { name: input.name, description: input.description, enabled: input.enabled, ...settingsPatch(input) };
    const key = await this.manager.updateBy(caller, accountId, ACCOUNT, apiKey, patch, async (tx, current) => {
      if (input.enabled === false && current.enabled && (await this.keys.countEnabled(accountId, ACCOUNT, tx)) <= 1) {
        throw AppError.conflict('The last enabled account API key cannot be disabled; enable or generate another one first');
      }
    });
    return presentKey(key);
  }

  permissions(accountId: string, apiKey: string): Promise<PolicyDto> {
    return this.policies.get(accountId, ACCOUNT, apiKey);
  }

  replacePermissions(caller: Principal, apiKey: string, body: PolicyInputDto): Promise<PolicyDto> {
    return this.policies.replace(caller, ACCOUNT, apiKey, body);
  }

  delete(): never {
    throw new AppError(ErrorCode.MethodNotAllowed, 'Account API keys cannot be deleted; disable them instead');
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, OK, OkMessageDto, Principal, ReplicaReader } from '@castellan/core';
import { Caller, KeyScope } from '@castellan/credentials';
import { UserDirectory } from '@castellan/people';
import { AccessKeyDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto, UserKeyListDto } from './dto/access-key.dto.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { KeyCaller, KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { presentIssued, presentKey, settingsPatch } from './key-presenter.js';

/**
 * Personal keys: they act with exactly their user's current privileges, optionally narrowed by their own
 * rules, never more. A user manages its own keys with the own_api_keys actions, others with user_api_keys;
 * either way the grant invariant applies (a key made by a narrowed key of the user is narrowed alike).
 */
@Injectable()
export class UserApiKeyService {
  constructor(
    private readonly manager: KeyManager,
    private readonly policies: KeyPermissionsService,
    private readonly users: UserDirectory,
    private readonly replicas: ReplicaReader,
  ) {}

  list(accountId: string, userId: string, query: ListKeysDto): Promise<UserKeyListDto> {
    return this.replicas.read(async (replica) => {
      const { rows, total } = await this.manager.list(accountId, await this.scope(accountId, userId, replica), query, replica);
      return { api_keys: rows.map((k) => presentKey(k)), total };
    });
  }

  async generate(maker: Principal, userId: string, input: GenerateKeyDto): Promise<AccessKeyDto> {
    const scope = await this.scope(maker.accountId, userId);
    return presentIssued(await this.manager.generate(maker, scope, input, (manager) => this.scope(maker.accountId, userId, manager)));
  }

  async update(caller: KeyCaller, userId: string, apiKey: string, input: UpdateAccountKeyDto): Promise<AccessKeyDto> {
    const accountId = caller.principal.accountId;
    const patch = { name: input.name, description: input.description, enabled: input.enabled, ...settingsPatch(input) };
    return presentKey(await this.manager.updateBy(caller, accountId, await this.scope(accountId, userId), apiKey, patch));
  }

  async rotate(caller: Caller, accountId: string, userId: string, apiKey: string, input: RotateKeyDto): Promise<AccessKeyDto> {
    return presentIssued(
      await this.manager.rotate(caller, accountId, await this.scope(accountId, userId), apiKey, input.grace_seconds ?? 0),
    );
  }

  async revoke(caller: Principal, userId: string, apiKey: string): Promise<OkMessageDto> {
    await this.manager.delete(caller, caller.accountId, await this.scope(caller.accountId, userId), { apiKey });
    return OK;
  }

  async permissions(accountId: string, userId: string, apiKey: string): Promise<PolicyDto> {
    return this.policies.get(accountId, await this.scope(accountId, userId), apiKey);
  }

  async replacePermissions(caller: Principal, userId: string, apiKey: string, body: PolicyInputDto): Promise<PolicyDto> {
    return this.policies.replace(caller, await this.scope(caller.accountId, userId), apiKey, body);
  }

  private async scope(accountId: string, userId: string, manager?: EntityManager): Promise<KeyScope> {
    if (!(await this.users.findById(accountId, userId, manager))) throw AppError.notFound('User', userId);
    return { kind: 'user', userId };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorCode, OK, OkMessageDto, Principal, ReplicaReader, USER_PRIVILEGES } from '@castellan/core';
import type { UserPrivilegeSource } from '@castellan/core';
import { KeyScope } from '@castellan/credentials';
import { UserRepository } from '@castellan/people';
import { PolicyCompiler } from '@castellan/permissions';
import { AccessKeyDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto, UserKeyListDto } from './dto/access-key.dto.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { KeyCaller, KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { presentIssued, presentKey, settingsPatch } from './key-presenter.js';

/**
 * Personal keys: they act with exactly their user's current privileges, optionally narrowed by their own
 * rules, never more. A user manages its own keys with one of them; others need the user_api_keys actions.
 */
@Injectable()
export class UserApiKeyService {
  constructor(
    private readonly manager: KeyManager,
    private readonly policies: KeyPermissionsService,
    private readonly compiler: PolicyCompiler,
    private readonly users: UserRepository,
    @Inject(USER_PRIVILEGES) private readonly privileges: UserPrivilegeSource,
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
    if (maker.userId !== userId) await this.refuseEscalation(maker, userId);
    return presentIssued(await this.manager.generate(maker, scope, input));
  }

  async update(accountId: string, userId: string, apiKey: string, input: UpdateAccountKeyDto, caller: KeyCaller): Promise<AccessKeyDto> {
    const patch = { name: input.name, description: input.description, enabled: input.enabled, ...settingsPatch(input) };
    return presentKey(await this.manager.updateBy(caller, accountId, await this.scope(accountId, userId), apiKey, patch));
  }

  async rotate(accountId: string, userId: string, apiKey: string, input: RotateKeyDto): Promise<AccessKeyDto> {
    return presentIssued(await this.manager.rotate(accountId, await this.scope(accountId, userId), apiKey, input.grace_seconds ?? 0));
  }

  async revoke(accountId: string, userId: string, apiKey: string): Promise<OkMessageDto> {
    await this.manager.delete(accountId, await this.scope(accountId, userId), { apiKey });
    return OK;
  }

  async permissions(accountId: string, userId: string, apiKey: string): Promise<PolicyDto> {
    return this.policies.get(accountId, await this.scope(accountId, userId), apiKey);
  }

  async replacePermissions(caller: Principal, userId: string, apiKey: string, body: PolicyInputDto): Promise<PolicyDto> {
    return this.policies.replace(caller, await this.scope(caller.accountId, userId), apiKey, body);
  }

  /** A key for someone else hands its maker that person's powers: the maker must hold all of them already. */
  private async refuseEscalation(maker: Principal, userId: string): Promise<void> {
    const privileges = await this.privileges.forUser(maker.accountId, userId);
    for (const rules of privileges?.policies ?? []) {
      const unheld = this.compiler.firstUnheldGrant(maker, 'user', rules);
      if (unheld) throw new AppError(ErrorCode.NotAllowed, `Not allowed: ${unheld}, which this user holds, is not held by the calling key`);
    }
  }

  private async scope(accountId: string, userId: string, manager?: EntityManager): Promise<KeyScope> {
    if (!(await this.users.findById(accountId, userId, manager))) throw AppError.notFound('User', userId);
    return { kind: 'user', userId };
  }
}

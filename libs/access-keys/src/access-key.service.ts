import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, OK, OkMessageDto, Principal, ReplicaReader } from '@castellan/core';
import { KeyStore, Caller, KeyScope } from '@castellan/credentials';
import { EnvironmentEntity, EnvironmentDirectory } from '@castellan/environments';
import { AccessKeyDto, AccessKeyListDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccessKeyDto } from './dto/access-key.dto.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { KeyCaller, KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { presentIssued, presentKey, settingsPatch } from './key-presenter.js';

/** The access keys of one product environment. */
@Injectable()
export class AccessKeyService {
  constructor(
    private readonly manager: KeyManager,
    private readonly environments: EnvironmentDirectory,
    private readonly keys: KeyStore,
    private readonly policies: KeyPermissionsService,
    private readonly replicas: ReplicaReader,
  ) {}

  list(accountId: string, environmentId: string, query: ListKeysDto): Promise<AccessKeyListDto> {
    return this.replicas.read(async (replica) => {
      const { scope } = await this.environment(accountId, environmentId, replica);
      const { rows, total } = await this.manager.list(accountId, scope, query, replica);
      return { access_keys: rows.map((k) => presentKey(k)), total };
    });
  }

  async generate(maker: Principal, environmentId: string, input: GenerateKeyDto): Promise<AccessKeyDto> {
    const { environment, scope } = await this.environment(maker.accountId, environmentId);
    const issued = await this.manager.generate(maker, scope, input, (manager) => this.environment(maker.accountId, environmentId, manager));
    return presentIssued(issued, environment.cloudName);
  }

  async update(caller: KeyCaller, environmentId: string, apiKey: string, input: UpdateAccessKeyDto): Promise<AccessKeyDto> {
    const accountId = caller.principal.accountId;
    const { scope } = await this.environment(accountId, environmentId);
    const patch = {
      name: input.name,
      description: input.description,
      enabled: input.enabled,
      dedicatedFor: input.dedicated_for,
      ...settingsPatch(input),
    };
    const key = await this.manager.updateBy(caller, accountId, scope, apiKey, patch, async (tx, current) => {
      // One key per environment holds a purpose: giving it to this key takes it from the other.
      if (input.dedicated_for && current.dedicatedFor !== input.dedicated_for) {
        await this.keys.clearDedication(tx, accountId, environmentId, input.dedicated_for, new Date());
      }
    });
    return presentKey(key);
  }

  async rotate(caller: Caller, accountId: string, environmentId: string, apiKey: string, input: RotateKeyDto): Promise<AccessKeyDto> {
    const { environment, scope } = await this.environment(accountId, environmentId);
    return presentIssued(await this.manager.rotate(caller, accountId, scope, apiKey, input.grace_seconds ?? 0), environment.cloudName);
  }

  async deleteByKey(caller: Principal, environmentId: string, apiKey: string): Promise<OkMessageDto> {
    const { scope } = await this.environment(caller.accountId, environmentId);
    await this.manager.delete(caller, caller.accountId, scope, { apiKey });
    return OK;
  }

  async deleteByName(caller: Principal, environmentId: string, name: string | undefined): Promise<OkMessageDto> {
    if (!name) throw AppError.invalid('name is required');
    const { scope } = await this.environment(caller.accountId, environmentId);
    await this.manager.delete(caller, caller.accountId, scope, { name });
    return OK;
  }

  async permissions(accountId: string, environmentId: string, apiKey: string): Promise<PolicyDto> {
    const { scope } = await this.environment(accountId, environmentId);
    return this.policies.get(accountId, scope, apiKey);
  }

  async replacePermissions(caller: Principal, environmentId: string, apiKey: string, body: PolicyInputDto): Promise<PolicyDto> {
    const { scope } = await this.environment(caller.accountId, environmentId);
    return this.policies.replace(caller, scope, apiKey, body);
  }

  private async environment(
    accountId: string,
    environmentId: string,
    manager?: EntityManager,
  ): Promise<{ environment: EnvironmentEntity; scope: KeyScope }> {
    const environment = await this.environments.findById(accountId, environmentId, manager);
    if (!environment) throw AppError.notFound('Product environment', environmentId);
    return { environment, scope: { kind: 'environment', environmentId } };
  }
}

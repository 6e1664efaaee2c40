import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  AppError,
  ErrorCode,
  isoSeconds,
  isUniqueViolation,
  newRecordId,
  OK,
  OkMessageDto,
  Principal,
  reachOf,
  ReplicaReader,
} from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { ActionAuthorizer, ApiKeyEntity, KeyStore, GrantService } from '@castellan/credentials';
import { EnvironmentEntity } from './environment.entity.js';
import { EnvironmentRepository } from './environment.repository.js';
import {
  CreateEnvironmentDto,
  EnvironmentDto,
  EnvironmentKeyDto,
  EnvironmentListDto,
  ListEnvironmentsDto,
  UpdateEnvironmentDto,
} from './dto/environment.dto.js';

export const ROOT_ENVIRONMENT_KEY_NAME = 'Root';

export function environmentVariable(apiKey: string, secret: string, cloudName: string): string {
  return `cloudinary://${apiKey}:${secret}@${cloudName}`;
}

const CLOUD_NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const generateCloudName = (): string => 'c' + Array.from({ length: 12 }, () => CLOUD_NAME_ALPHABET[randomInt(36)]).join('');

const notFound = (id: string) => AppError.notFound('Product environment', id);

@Injectable()
export class EnvironmentService {
  constructor(
    private readonly environments: EnvironmentRepository,
    private readonly accounts: AccountTransactions,
    private readonly keys: KeyStore,
    private readonly grants: GrantService,
    private readonly actions: ActionAuthorizer,
    private readonly replicas: ReplicaReader,
  ) {}

  /** The environments the caller reaches: a user limited to some sees those only. */
  list(caller: Principal, query: ListEnvironmentsDto): Promise<EnvironmentListDto> {
    const accountId = caller.accountId;
    return this.replicas.read(async (replica) => {
      const filter = {
        enabled: query.enabled,
        ids: query.ids,
        cloudNames: query.cloud_names,
        namePrefix: query.prefix,
        within: reachOf(caller),
      };
      const rows = await this.environments.list(accountId, filter, replica);
      return { sub_accounts: await this.withKeys(accountId, rows, replica) };
    });
  }

  get(accountId: string, id: string): Promise<EnvironmentDto> {
    return this.replicas.read((replica) => this.present(accountId, id, replica));
  }

  /**
   * The environment with its first key, which holds no more than the key that creates it. Copying a base
   * environment reads it, so the maker must be allowed to read it.
   */
  async create(maker: Principal, input: CreateEnvironmentDto): Promise<EnvironmentDto> {
    const accountId = maker.accountId;
    const baseId = input.base_sub_account_id;
    if (baseId) this.actions.require(maker, 'provisioning:sub_accounts.read', { environmentId: baseId });
    return this.mapCloudNameConflict(input.cloud_name, () =>
      this.accounts.run(accountId, async (manager, account) => {
        const count = await this.environments.countInAccount(manager, accountId);
        if (count >= account.maxProductEnvironments) {
          throw new AppError(
            ErrorCode.LimitReached,
            `Product environment limit reached: this account may have at most ${account.maxProductEnvironments} product environments`,
          );
        }
        const base = baseId ? await this.require(accountId, baseId, manager) : undefined;
        const now = new Date();
        const environment = Object.assign(new EnvironmentEntity(), {
          id: newRecordId(),
          accountId,
          cloudName: (input.cloud_name ?? generateCloudName()).toLowerCase(),
          name: input.name,
          description: input.description ?? null,
          enabled: input.enabled ?? true,
          // Explicit values win over the base environment's; the base gives its settings, never keys.
          folderMode: input.folder_mode ?? base?.folderMode ?? 'dynamic',
          assetRecordLocation: input.asset_record_location ?? base?.assetRecordLocation ?? 'us',
          usageLimits: input.usage_limits ? { ...input.usage_limits } : (base?.usageLimits ?? null),
          customAttributes: input.custom_attributes ?? base?.customAttributes ?? null,
          createdAt: now,
          updatedAt: now,
        } satisfies EnvironmentEntity);
        await this.environments.insert(manager, environment);
        const { key, secret } = await this.grants.issue(manager, maker, {
          accountId,
          scope: { kind: 'environment', environmentId: environment.id },
          name: ROOT_ENVIRONMENT_KEY_NAME,
          root: true,
        });
        return this.toDto(environment, [
          {
            key: key.apiKey,
            secret,
            enabled: key.enabled,
            api_environment_variable: environmentVariable(key.apiKey, secret, environment.cloudName),
          },
        ]);
      }),
    );
  }

  async update(accountId: string, id: string, input: UpdateEnvironmentDto): Promise<EnvironmentDto> {
    const current = await this.require(accountId, id);
    if (input.folder_mode !== undefined && input.folder_mode !== current.folderMode) {
      throw AppError.invalid('folder_mode cannot change after the product environment is created');
    }
    if (input.asset_record_location !== undefined && input.asset_record_location !== current.assetRecordLocation) {
      throw AppError.invalid('asset_record_location cannot change after the product environment is created');
    }
    await this.mapCloudNameConflict(input.cloud_name, () =>
      this.environments.update(
        accountId,
        id,
        {
          name: input.name,
          cloudName: input.cloud_name?.toLowerCase(),
          description: input.description,
          enabled: input.enabled,
          usageLimits: input.usage_limits ? { ...input.usage_limits } : undefined,
          customAttributes: input.custom_attributes,
        },
        new Date(),
      ),
    );
    // From the primary: the answer shows this change.
    return this.present(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<OkMessageDto> {
    await this.accounts.run(accountId, async (manager) => {
      // Under the account lock, as keys are made: a key made while its environment goes is made first, or refused.
      await this.require(accountId, id, manager);
      await this.keys.deleteAllOfEnvironment(manager, accountId, id);
      await this.environments.delete(manager, accountId, id);
    });
    return OK;
  }

  private async require(accountId: string, id: string, manager?: EntityManager): Promise<EnvironmentEntity> {
    const environment = await this.environments.findById(accountId, id, manager);
    if (!environment) throw notFound(id);
    return environment;
  }

  /** cloud_name is the environment table's only unique column besides the id, so a violation is a taken name. */
  private async mapCloudNameConflict<T>(cloudName: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw AppError.conflict(`cloud_name "${cloudName?.toLowerCase() ?? ''}" is already taken`);
      throw error;
    }
  }

  private async present(accountId: string, id: string, manager?: EntityManager): Promise<EnvironmentDto> {
    const [dto] = await this.withKeys(accountId, [await this.require(accountId, id, manager)], manager);
    return dto!;
  }

  private async withKeys(accountId: string, rows: EnvironmentEntity[], manager?: EntityManager): Promise<EnvironmentDto[]> {
    const keys = await this.keys.listEnabledForEnvironments(
      accountId,
      rows.map((e) => e.id),
      manager,
    );
    const byEnvironment = new Map<string, ApiKeyEntity[]>();
    for (const key of keys) byEnvironment.set(key.environmentId!, [...(byEnvironment.get(key.environmentId!) ?? []), key]);
    return rows.map((e) =>
      this.toDto(
        e,
        (byEnvironment.get(e.id) ?? []).map((k) => ({ key: k.apiKey, enabled: k.enabled })),
      ),
    );
  }

  private toDto(e: EnvironmentEntity, keys: EnvironmentKeyDto[]): EnvironmentDto {
    return {
      cloud_name: e.cloudName,
      name: e.name,
      enabled: e.enabled,
      id: e.id,
      description: e.description,
      folder_mode: e.folderMode,
      asset_record_location: e.assetRecordLocation,
      usage_limits: e.usageLimits,
      custom_attributes: e.customAttributes,
      api_access_keys: keys,
      created_at: isoSeconds(e.createdAt),
      updated_at: isoSeconds(e.updatedAt),
    };
  }
}

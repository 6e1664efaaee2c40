import { Injectable } from '@nestjs/common';
import { maxLength } from 'class-validator';
import { EntityManager } from 'typeorm';
import {
  AppConfig,
  AppError,
  FIELD_MESSAGES,
  isoSeconds,
  isUniqueViolation,
  MAX_ENVIRONMENT_LIMIT,
  newAccountId,
  NO_CONTROL_CHARACTERS,
  TransactionRunner,
} from '@castellan/core';
import { KeyStore, GrantService, KeyCacheInvalidator, OPERATOR, scopeOf } from '@castellan/credentials';
import { AccountEntity } from './account.entity.js';
import { AccountRepository } from './account.repository.js';
import { SystemEventEntity } from './system-event.entity.js';
import { AccountDto, CreatedAccount } from './dto/account.dto.js';

export const ROOT_KEY_NAME = 'Root';

export function accountUrl(apiKey: string, secret: string, accountId: string): string {
  return `account://${apiKey}:${secret}@${accountId}`;
}

@Injectable()
export class AccountService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly grants: GrantService,
    private readonly keys: KeyStore,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
    private readonly keyCache: KeyCacheInvalidator,
  ) {}

  async get(accountId: string): Promise<AccountDto> {
    return this.toDto(await this.require(accountId));
  }

  async rename(accountId: string, name: string): Promise<AccountDto> {
    if (!(await this.accounts.update(accountId, { name }, new Date()))) throw AppError.notFound('Account', accountId);
    return this.get(accountId);
  }

  /** Operator-only (CLI): limits are a commercial decision, not something an account key may change. */
  async setEnvironmentLimit(accountId: string, limit: number): Promise<AccountDto> {
    if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_ENVIRONMENT_LIMIT) {
      throw AppError.invalid(`product_environments must be a whole number from 0 to ${MAX_ENVIRONMENT_LIMIT}`);
    }
    if (!(await this.accounts.update(accountId, { maxProductEnvironments: limit }, new Date())))
      throw AppError.notFound('Account', accountId);
    return this.get(accountId);
  }

  /**
   * Operator-only (CLI) recovery: a key gets its kind's default policy back. Keys can never widen
   * themselves or grant what they lack, so an account whose keys were all narrowed needs this way out.
   */
  async restoreDefaultPolicy(apiKey: string): Promise<{ api_key: string; kind: string; account_id: string }> {
    const key = await this.keys.findForAuthentication(apiKey);
    if (!key) throw AppError.notFound('Key', apiKey);
    await this.transactions.run((manager) =>
      this.grants.change(manager, OPERATOR, { subjects: [{ key: key.id }], widens: true }, (tx) =>
        this.keys.update(tx, key.accountId, scopeOf(key), key.id, { rules: null }, new Date()),
      ),
    );
    // The CLI is another process than the servers: with Redis they hear of it at once, without it within the cache's maximum age.
    await this.keyCache.invalidate(key.accountId);
    return { api_key: key.apiKey, kind: key.kind, account_id: key.accountId };
  }

  async listAll(): Promise<AccountDto[]> {
    return (await this.accounts.listAll()).map((a) => this.toDto(a));
  }

  /** An account and its root account API key, made together or not at all. */
  create(name: string): Promise<CreatedAccount> {
    const trimmed = name.trim();
    // Counted as the API's name fields count (class-validator's maxLength: characters, not UTF-16 units).
    if (!trimmed || !maxLength(trimmed, 255)) throw AppError.invalid('name must be 1 to 255 characters');
    // The rules of the API's own name fields: the CLI and the first start make accounts through here too.
    if (!NO_CONTROL_CHARACTERS.test(trimmed)) throw AppError.invalid(FIELD_MESSAGES.controlCharacters.replace('$property', 'name'));
    return this.transactions.run((manager) => this.createIn(manager, trimmed));
  }

  /**
   * Creates the first account on an empty database, once: the marker row's primary key stops a second
   * instance starting at the same moment. Returns undefined when there was nothing to do.
   */
  async bootstrap(): Promise<CreatedAccount | undefined> {
    try {
      return await this.transactions.run(async (manager) => {
        await manager.getRepository(SystemEventEntity).insert({ name: 'bootstrap', happenedAt: new Date() });
        if ((await this.accounts.count(manager)) > 0) return undefined;
        return this.createIn(manager, this.config.bootstrapAccountName);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  private async createIn(manager: EntityManager, name: string): Promise<CreatedAccount> {
    const now = new Date();
    const account = Object.assign(new AccountEntity(), {
      id: newAccountId(),
      name,
      maxProductEnvironments: this.config.defaultEnvironmentLimit,
      lockVersion: 0,
      createdAt: now,
      updatedAt: now,
    } satisfies AccountEntity);
    await this.accounts.insert(manager, account);
    // Made by the operator (the CLI, or the first start): nobody holds anything in a new account yet.
    const { key, secret } = await this.grants.issue(manager, OPERATOR, {
      accountId: account.id,
      scope: { kind: 'account' },
      name: ROOT_KEY_NAME,
      root: true,
    });
    return {
      account_id: account.id,
      name: account.name,
      api_key: key.apiKey,
      api_secret: secret,
      account_url: accountUrl(key.apiKey, secret, account.id),
    };
  }

  private async require(accountId: string): Promise<AccountEntity> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw AppError.notFound('Account', accountId);
    return account;
  }

  private toDto(account: AccountEntity): AccountDto {
    const base = this.config.publicUrl;
    return {
      id: account.id,
      name: account.name,
      limits: { product_environments: account.maxProductEnvironments },
      endpoints: {
        provisioning_api: `${base}/v1_1/provisioning/accounts/${account.id}`,
        authorize: `${base}/v1_1/authorize`,
        docs: `${base}/docs`,
      },
      created_at: isoSeconds(account.createdAt),
      updated_at: isoSeconds(account.updatedAt),
    };
  }
}

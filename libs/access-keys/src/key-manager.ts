import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, Principal, TransactionRunner } from '@castellan/core';
import { PolicyCompiler } from '@castellan/permissions';
import { AccountRepository } from '@castellan/accounts';
import { ApiKeyEntity, ApiKeyRepository, KeyIssuer, KeyPatch, KeyScope } from '@castellan/credentials';
import { GenerateKeyDto, ListKeysDto } from './dto/access-key.dto.js';
import { keyPage } from './key-presenter.js';

/** Checks a kind of key adds to an update, run inside its transaction before the write. */
export type BeforeKeyUpdate = (manager: EntityManager, key: ApiKeyEntity, patch: KeyPatch) => Promise<void>;

/**
 * What environment keys and account API keys have in common. Every write runs in a transaction under the
 * account lock, so name uniqueness and per-account invariants hold under concurrent requests.
 */
@Injectable()
export class KeyManager {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly issuer: KeyIssuer,
    private readonly accounts: AccountRepository,
    private readonly transactions: TransactionRunner,
    private readonly policies: PolicyCompiler,
  ) {}

  list(accountId: string, scope: KeyScope, query: ListKeysDto) {
    return this.keys.list(accountId, scope, keyPage(query));
  }

  /** A new key, holding no more than the key that makes it. */
  generate(maker: Principal, scope: KeyScope, input: GenerateKeyDto) {
    const accountId = maker.accountId;
    const rules = this.policies.rulesForKeyMadeBy(maker, scope.kind);
    return this.transactions.run(async (manager) => {
      await this.accounts.lock(manager, accountId);
      return this.issuer.issue(manager, { accountId, scope, name: input.name, description: input.description, enabled: input.enabled, rules });
    });
  }

  update(accountId: string, scope: KeyScope, apiKey: string, patch: KeyPatch, before?: BeforeKeyUpdate): Promise<ApiKeyEntity> {
    return this.transactions.run(async (manager) => {
      await this.accounts.lock(manager, accountId);
      const key = await this.require(accountId, scope, apiKey, manager);
      if (patch.name !== undefined) await this.issuer.assertNameFree(manager, accountId, scope, patch.name, key.id);
      await before?.(manager, key, patch);
      const now = new Date();
      await this.keys.update(manager, accountId, scope, key.id, patch, now);
      return Object.assign(key, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), { updatedAt: now });
    });
  }

  delete(accountId: string, scope: KeyScope, find: { apiKey: string } | { name: string }): Promise<void> {
    return this.transactions.run(async (manager) => {
      const key =
        'apiKey' in find ? await this.require(accountId, scope, find.apiKey, manager) : await this.requireNamed(accountId, scope, find.name, manager);
      await this.keys.delete(manager, accountId, scope, key.id);
    });
  }

  private async requireNamed(accountId: string, scope: KeyScope, name: string, manager: EntityManager): Promise<ApiKeyEntity> {
    const key = await this.keys.findByName(accountId, scope, name, manager);
    if (!key) throw AppError.notFound('Access key named', `"${name}"`);
    return key;
  }

  find(accountId: string, scope: KeyScope, apiKey: string): Promise<ApiKeyEntity> {
    return this.require(accountId, scope, apiKey);
  }

  private async require(accountId: string, scope: KeyScope, apiKey: string, manager?: EntityManager): Promise<ApiKeyEntity> {
    const key = await this.keys.findByApiKey(accountId, scope, apiKey, manager);
    if (!key) throw AppError.notFound(scope.kind === 'account' ? 'Account API key' : 'Access key', apiKey);
    return key;
  }
}

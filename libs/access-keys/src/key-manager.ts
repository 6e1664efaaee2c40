import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, Principal, refuseLockOut, TransactionRunner } from '@castellan/core';
import { PolicyCompiler } from '@castellan/permissions';
import { AccountRepository } from '@castellan/accounts';
import { ApiKeyEntity, ApiKeyRepository, IssuedKey, KeyIssuer, KeyPatch, KeyScope } from '@castellan/credentials';
import { GenerateKeyDto, ListKeysDto } from './dto/access-key.dto.js';
import { keyPage, settingsPatch } from './key-presenter.js';

/** Checks a kind of key adds to an update, run inside its transaction before the write. */
export type BeforeKeyUpdate = (manager: EntityManager, key: ApiKeyEntity, patch: KeyPatch) => Promise<void>;

/** Who asks for a change: the calling key, and the address its request comes from. */
export interface KeyCaller {
  keyId: string;
  ip: string;
}

/**
 * What every kind of key has in common. Every write runs in a transaction under the account lock, so name
 * uniqueness, per-account invariants and the account's cap on key lifetimes hold under concurrent requests,
 * and parallel rotations, updates and deletes of one key apply one after the other.
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

  list(accountId: string, scope: KeyScope, query: ListKeysDto, manager?: EntityManager) {
    return this.keys.list(accountId, scope, keyPage(query), manager);
  }

  /** A new key, holding no more than the key that makes it, and living no longer than the account allows. */
  generate(maker: Principal, scope: KeyScope, input: GenerateKeyDto): Promise<IssuedKey> {
    const accountId = maker.accountId;
    const rules = this.policies.rulesForKeyMadeBy(maker, scope.kind);
    return this.transactions.run(async (manager) => {
      await this.accounts.lock(manager, accountId);
      return this.issuer.issue(manager, {
        accountId,
        scope,
        name: input.name,
        description: input.description,
        enabled: input.enabled,
        rules,
        ...settingsPatch(input),
      });
    });
  }

  update(accountId: string, scope: KeyScope, apiKey: string, patch: KeyPatch, before?: BeforeKeyUpdate): Promise<ApiKeyEntity> {
    return this.transactions.run(async (manager) => {
      await this.accounts.lock(manager, accountId);
      const key = await this.require(accountId, scope, apiKey, manager);
      if (patch.name !== undefined) await this.issuer.assertNameFree(manager, accountId, scope, patch.name, key.id);
      const capped = { ...patch, expiresAt: await this.issuer.cappedExpiry(manager, accountId, patch.expiresAt, false) };
      await before?.(manager, key, capped);
      const now = new Date();
      await this.keys.update(manager, accountId, scope, key.id, capped, now);
      return Object.assign(key, Object.fromEntries(Object.entries(capped).filter(([, v]) => v !== undefined)), { updatedAt: now });
    });
  }

  /**
   * `update` as a request asks for it. A key may narrow its own allowlist, but not to one that leaves out the
   * address it calls from: its next request would be refused.
   */
  updateBy(caller: KeyCaller, accountId: string, scope: KeyScope, apiKey: string, patch: KeyPatch, before?: BeforeKeyUpdate): Promise<ApiKeyEntity> {
    return this.update(accountId, scope, apiKey, patch, async (manager, key, capped) => {
      if (key.id === caller.keyId) refuseLockOut(capped.allowedIps, caller.ip);
      await before?.(manager, key, capped);
    });
  }

  /** A new secret for the key, returned once; a disabled or expired key stays so. */
  rotate(accountId: string, scope: KeyScope, apiKey: string, graceSeconds: number): Promise<IssuedKey> {
    return this.transactions.run(async (manager) => {
      await this.accounts.lock(manager, accountId);
      const key = await this.require(accountId, scope, apiKey, manager);
      const now = new Date();
      const { secret, patch } = this.issuer.rotation(key, graceSeconds, now);
      await this.keys.update(manager, accountId, scope, key.id, patch, now);
      return { key: Object.assign(key, patch, { updatedAt: now }), secret };
    });
  }

  delete(accountId: string, scope: KeyScope, find: { apiKey: string } | { name: string }): Promise<void> {
    return this.transactions.run(async (manager) => {
      await this.accounts.lock(manager, accountId);
      const key =
        'apiKey' in find ? await this.require(accountId, scope, find.apiKey, manager) : await this.requireNamed(accountId, scope, find.name, manager);
      await this.keys.delete(manager, accountId, scope, key.id);
    });
  }

  find(accountId: string, scope: KeyScope, apiKey: string): Promise<ApiKeyEntity> {
    return this.require(accountId, scope, apiKey);
  }

  private async requireNamed(accountId: string, scope: KeyScope, name: string, manager: EntityManager): Promise<ApiKeyEntity> {
    const key = await this.keys.findByName(accountId, scope, name, manager);
    if (!key) throw AppError.notFound('Access key named', `"${name}"`);
    return key;
  }

  private async require(accountId: string, scope: KeyScope, apiKey: string, manager?: EntityManager): Promise<ApiKeyEntity> {
    const key = await this.keys.findByApiKey(accountId, scope, apiKey, manager);
    if (!key) throw AppError.notFound(scope.kind === 'account' ? 'Account API key' : 'Access key', apiKey);
    return key;
  }
}

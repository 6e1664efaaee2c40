import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, GrantedTransaction, Principal, refuseLockOut } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { ApiKeyEntity, KeyStore, Caller, GrantService, IssuedKey, KeyPatch, KeyScope, KeySettings } from '@castellan/credentials';
import { GenerateKeyDto, ListKeysDto } from './dto/access-key.dto.js';
import { keyPage, settingsPatch } from './key-presenter.js';

/** What a kind of key adds to an update, run inside its transaction, within the grant check, before the write. */
export type BeforeKeyUpdate = (tx: GrantedTransaction, key: ApiKeyEntity, patch: KeyPatch) => Promise<void>;

/** Who asks for a change: the calling key, and the address its request comes from. */
export interface KeyCaller {
  principal: Principal;
  ip: string;
}

/**
 * What every kind of key has in common. Every write runs in a transaction under the account lock, so name
 * uniqueness, per-account invariants and the account's cap on key lifetimes hold under concurrent requests,
 * and parallel rotations, updates and deletes of one key apply one after the other. Every write goes through
 * the grant invariant (GrantService): secrets are issued by it, and changes are checked by it.
 */
@Injectable()
export class KeyManager {
  constructor(
    private readonly keys: KeyStore,
    private readonly settings: KeySettings,
    private readonly grants: GrantService,
    private readonly accounts: AccountTransactions,
  ) {}

  list(accountId: string, scope: KeyScope, query: ListKeysDto, manager?: EntityManager) {
    return this.keys.list(accountId, scope, keyPage(query), manager);
  }

  /**
   * A new key, holding no more than the key that makes it, and living no longer than the account allows.
   * `scopeExists` checks again, under the account lock, that the key's environment or user is still there: one
   * deleted meanwhile is a 404, never a key that outlives it (or a foreign-key failure).
   */
  generate(
    maker: Principal,
    scope: KeyScope,
    input: GenerateKeyDto,
    scopeExists: (manager: EntityManager) => Promise<unknown>,
  ): Promise<IssuedKey> {
    const accountId = maker.accountId;
    return this.accounts.run(accountId, async (manager) => {
      await scopeExists(manager);
      return this.grants.issue(manager, maker, {
        accountId,
        scope,
        name: input.name,
        description: input.description,
        enabled: input.enabled,
        ...settingsPatch(input),
      });
    });
  }

  /**
   * Changes a key. Its rules, and enabling it, can widen what it holds; `before` may store more of the same kind
   * (custom roles) and must say so with `widens`.
   */
  update(
    caller: Caller,
    accountId: string,
    scope: KeyScope,
    apiKey: string,
    patch: KeyPatch,
    before?: BeforeKeyUpdate,
    widens = false,
  ): Promise<ApiKeyEntity> {
    return this.accounts.run(accountId, async (manager) => {
      const key = await this.require(accountId, scope, apiKey, manager);
      if (patch.name !== undefined) await this.settings.assertNameFree(manager, accountId, scope, patch.name, key.id);
      const capped = { ...patch, expiresAt: await this.settings.cappedExpiry(manager, accountId, patch.expiresAt, false) };
      const change = {
        subjects: [{ key: key.id }],
        widens: widens || patch.rules !== undefined || (patch.enabled === true && !key.enabled),
      };
      return this.grants.change(manager, caller, change, async (tx) => {
        await before?.(tx, key, capped);
        const now = new Date();
        await this.keys.update(tx, accountId, scope, key.id, capped, now);
        return Object.assign(key, Object.fromEntries(Object.entries(capped).filter(([, v]) => v !== undefined)), { updatedAt: now });
      });
    });
  }

  /**
   * `update` as a request asks for it. A key may narrow its own allowlist, but not to one that leaves out the
   * address it calls from: its next request would be refused.
   */
  updateBy(
    caller: KeyCaller,
    accountId: string,
    scope: KeyScope,
    apiKey: string,
    patch: KeyPatch,
    before?: BeforeKeyUpdate,
  ): Promise<ApiKeyEntity> {
    return this.update(caller.principal, accountId, scope, apiKey, patch, async (tx, key, capped) => {
      if (key.id === caller.principal.keyId) refuseLockOut(capped.allowedIps, caller.ip);
      await before?.(tx, key, capped);
    });
  }

  /** A new secret for the key, returned once; a disabled or expired key stays so. */
  rotate(caller: Caller, accountId: string, scope: KeyScope, apiKey: string, graceSeconds: number): Promise<IssuedKey> {
    return this.accounts.run(accountId, async (manager) => {
      return this.grants.rotate(manager, caller, await this.require(accountId, scope, apiKey, manager), graceSeconds);
    });
  }

  delete(caller: Caller, accountId: string, scope: KeyScope, find: { apiKey: string } | { name: string }): Promise<void> {
    return this.accounts.run(accountId, async (manager) => {
      const key =
        'apiKey' in find
          ? await this.require(accountId, scope, find.apiKey, manager)
          : await this.requireNamed(accountId, scope, find.name, manager);
      await this.grants.change(manager, caller, { subjects: [{ key: key.id }], widens: false }, (tx) =>
        this.keys.delete(tx, accountId, scope, key.id),
      );
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

import type { EntityManager } from 'typeorm';
import type { GrantedTransaction, KeyKind } from '@castellan/core';
import type { ApiKeyEntity } from './api-key.entity.js';

/** Which keys an operation is about: the account's own keys, or the keys of one of its environments. */
export type KeyScope = { kind: 'account' } | { kind: 'environment'; environmentId: string } | { kind: 'user'; userId: string };

export type KeySortField = 'api_key' | 'created_at' | 'name' | 'enabled';

export interface KeyPage {
  pageSize: number;
  page: number;
  sortBy: KeySortField;
  sortOrder: 'asc' | 'desc';
}

export type KeyPatch = Partial<
  Pick<
    ApiKeyEntity,
    | 'name'
    | 'description'
    | 'enabled'
    | 'dedicatedFor'
    | 'rules'
    | 'expiresAt'
    | 'allowedIps'
    | 'rateLimitPerMinute'
    | 'secretHash'
    | 'previousSecretHash'
    | 'previousSecretExpiresAt'
  >
>;

/** The scope of a key found without one (by its api_key or its secret alone), for writes to it. */
export function scopeOf(key: Pick<ApiKeyEntity, 'kind' | 'environmentId' | 'userId'>): KeyScope {
  if (key.kind === 'environment') return { kind: 'environment', environmentId: key.environmentId! };
  if (key.kind === 'user') return { kind: 'user', userId: key.userId! };
  return { kind: 'account' };
}

/**
 * What the rest of Castellan may do with api_keys, which this library alone reads and writes. The repository
 * implements it; other libraries inject this, never the repository, so that a key is made only through the
 * grant invariant (GrantService), verified only here, and its list counts stay right.
 */
export abstract class KeyStore {
  /** Unscoped: a key found by its api_key alone, as authentication finds it (the CLI's recovery, the audit's names). */
  abstract findForAuthentication(apiKey: string): Promise<ApiKeyEntity | null>;
  /** Unscoped: the keys a leaked secret is the current or previous secret of. */
  abstract findBySecretHash(kind: KeyKind, hash: string): Promise<ApiKeyEntity[]>;
  abstract list(
    accountId: string,
    scope: KeyScope,
    page: KeyPage,
    manager?: EntityManager,
  ): Promise<{ rows: ApiKeyEntity[]; total: number }>;
  abstract listEnabledForEnvironments(accountId: string, environmentIds: string[], manager?: EntityManager): Promise<ApiKeyEntity[]>;
  abstract findByApiKey(accountId: string, scope: KeyScope, apiKey: string, manager?: EntityManager): Promise<ApiKeyEntity | null>;
  abstract findAnyInAccount(accountId: string, apiKey: string, manager?: EntityManager): Promise<ApiKeyEntity | null>;
  abstract findByName(accountId: string, scope: KeyScope, name: string, manager?: EntityManager): Promise<ApiKeyEntity | null>;
  abstract countEnabled(accountId: string, scope: KeyScope, manager: EntityManager): Promise<number>;
  abstract update(manager: GrantedTransaction, accountId: string, scope: KeyScope, id: string, patch: KeyPatch, now: Date): Promise<void>;
  abstract clearDedication(manager: EntityManager, accountId: string, environmentId: string, purpose: string, now: Date): Promise<void>;
  abstract delete(manager: EntityManager, accountId: string, scope: KeyScope, id: string): Promise<void>;
  abstract deleteAllOfUser(manager: EntityManager, accountId: string, userId: string): Promise<void>;
  abstract deleteAllOfEnvironment(manager: EntityManager, accountId: string, environmentId: string): Promise<void>;
}

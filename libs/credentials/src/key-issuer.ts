import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, generateApiKey, generateSecret, isUniqueViolation, KeyKind, newRecordId, PolicyRule, SecretHasher } from '@castellan/core';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository, KeyScope } from './api-key.repository.js';

export interface IssueKeyRequest {
  accountId: string;
  scope: KeyScope;
  name?: string;
  description?: string;
  enabled?: boolean;
  root?: boolean;
  /** The key's policy; absent or null for its kind's default. */
  rules?: PolicyRule[] | null;
}

/** A freshly made key with its secret: the only moment the secret exists outside the caller's hands. */
export interface IssuedKey {
  key: ApiKeyEntity;
  secret: string;
}

/** Makes keys of every kind; callers run it inside their own transaction, under the account lock. */
@Injectable()
export class KeyIssuer {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
  ) {}

  /** Names identify keys (delete-by-name), so they are unique within their scope. */
  async assertNameFree(manager: EntityManager, accountId: string, scope: KeyScope, name: string, exceptId?: string): Promise<void> {
    const existing = await this.keys.findByName(accountId, scope, name, manager);
    if (existing && existing.id !== exceptId) throw AppError.conflict(`A key named "${name}" already exists`);
  }

  async issue(manager: EntityManager, request: IssueKeyRequest): Promise<IssuedKey> {
    if (request.name !== undefined) await this.assertNameFree(manager, request.accountId, request.scope, request.name);
    const kind: KeyKind = request.scope.kind;
    const secret = generateSecret(kind);
    const now = new Date();
    // 15 random digits rarely collide, but an api_key must be unique, so a collision just draws again.
    for (let attempt = 0; ; attempt++) {
      const apiKey = generateApiKey();
      const key = Object.assign(new ApiKeyEntity(), {
        id: newRecordId(),
        accountId: request.accountId,
        environmentId: request.scope.kind === 'environment' ? request.scope.environmentId : null,
        userId: request.scope.kind === 'user' ? request.scope.userId : null,
        lastUsedAt: null,
        lastUsedIp: null,
        kind,
        apiKey,
        secretHash: this.hasher.hash(secret),
        name: request.name ?? `key_${apiKey}`,
        description: request.description ?? null,
        enabled: request.enabled ?? true,
        root: request.root ?? false,
        dedicatedFor: null,
        rules: request.rules ?? null,
        createdAt: now,
        updatedAt: now,
      } satisfies ApiKeyEntity);
      try {
        await this.keys.insert(manager, key);
        return { key, secret };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }
}

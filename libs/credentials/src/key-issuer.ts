import { Injectable } from '@nestjs/common';
import type { GrantedTransaction } from '@castellan/core';
import { generateApiKey, generateSecret, isUniqueViolation, KeyKind, newRecordId, PolicyRule, SecretHasher } from '@castellan/core';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import type { KeyPatch, KeyScope } from './key-store.js';
import { KeySettings } from './key-settings.js';

export interface IssueKeyRequest {
  accountId: string;
  scope: KeyScope;
  name?: string;
  description?: string;
  enabled?: boolean;
  root?: boolean;
  /** The key's policy; absent or null for its kind's default. */
  rules?: PolicyRule[] | null;
  expiresAt?: Date | null;
  allowedIps?: string[] | null;
  rateLimitPerMinute?: number | null;
}

/** A freshly made key with its secret: the only moment the secret exists outside the caller's hands. */
export interface IssuedKey {
  key: ApiKeyEntity;
  secret: string;
}

/** A new secret for an existing key, and the fields that store it and the secret it replaces. */
export interface KeyRotation {
  secret: string;
  patch: Required<Pick<KeyPatch, 'secretHash' | 'previousSecretHash' | 'previousSecretExpiresAt'>>;
}

/**
 * Makes keys of every kind, inside a caller's transaction under the account lock. Private to this library: secrets
 * are handed out through GrantService, which checks the grant invariant first.
 */
@Injectable()
export class KeyIssuer {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly settings: KeySettings,
  ) {}

  /**
   * A new secret for `key`. The replaced secret keeps working for `graceSeconds`, never past the key's own
   * expiry; a secret an earlier rotation kept stops at once, so at most two secrets ever work.
   */
  rotation(key: ApiKeyEntity, graceSeconds: number, now: Date): KeyRotation {
    const secret = generateSecret(key.kind);
    const graceEnds = Math.min(now.getTime() + graceSeconds * 1000, key.expiresAt?.getTime() ?? Infinity);
    const keepsPrevious = graceEnds > now.getTime();
    return {
      secret,
      patch: {
        secretHash: this.hasher.hash(secret),
        previousSecretHash: keepsPrevious ? key.secretHash : null,
        previousSecretExpiresAt: keepsPrevious ? new Date(graceEnds) : null,
      },
    };
  }

  async issue(manager: GrantedTransaction, request: IssueKeyRequest): Promise<IssuedKey> {
    if (request.name !== undefined) await this.settings.assertNameFree(manager, request.accountId, request.scope, request.name);
    const kind: KeyKind = request.scope.kind;
    const expiresAt = (await this.settings.cappedExpiry(manager, request.accountId, request.expiresAt, true)) ?? null;
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
        expiresAt,
        previousSecretHash: null,
        previousSecretExpiresAt: null,
        allowedIps: request.allowedIps ?? null,
        rateLimitPerMinute: request.rateLimitPerMinute ?? null,
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

import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AccountKeyPolicy } from '@castellan/core';
import { ACCOUNT_KEY_POLICY, AppError, generateApiKey, generateSecret, isUniqueViolation, KeyKind, NEVER, newRecordId, PolicyRule, SecretHasher } from '@castellan/core';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository, KeyPatch, KeyScope } from './api-key.repository.js';

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

const DAY_MS = 86_400_000;

/**
 * The expiry a key may have under its account's cap on key lifetimes (key_max_lifetime_days; null: no cap).
 * `requested` is a date, null to remove the expiry ("never"), or undefined when not given: a new key then
 * lives as long as the cap allows, and a changed key keeps the expiry it has, so keys made before the cap keep
 * theirs.
 */
export function expiryUnderCap(requested: Date | null | undefined, maxLifetimeDays: number | null, now: Date, creating: boolean): Date | null | undefined {
  const latest = maxLifetimeDays === null ? null : new Date(now.getTime() + maxLifetimeDays * DAY_MS);
  if (requested === undefined) return creating ? latest : undefined;
  if (requested === null) {
    if (latest) throw AppError.invalid(`expires_at cannot be "${NEVER}" while the account's key_max_lifetime_days is ${maxLifetimeDays}`);
    return null;
  }
  if (requested <= now) throw AppError.invalid('expires_at must be in the future');
  if (latest && requested > latest) {
    throw AppError.invalid(`expires_at must be at most ${maxLifetimeDays} days from now: the account's key_max_lifetime_days is ${maxLifetimeDays}`);
  }
  return requested;
}

/** Makes keys of every kind; callers run it inside their own transaction, under the account lock. */
@Injectable()
export class KeyIssuer {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    // Absent only where account security is not loaded (some CLI commands): no cap applies there.
    @Optional() @Inject(ACCOUNT_KEY_POLICY) private readonly accountPolicy?: AccountKeyPolicy,
  ) {}

  /**
   * The expiry to store for a key being made (`creating`) or changed, checked against the account's cap as it
   * is inside the caller's transaction; undefined: unchanged.
   */
  async cappedExpiry(manager: EntityManager, accountId: string, requested: Date | null | undefined, creating: boolean): Promise<Date | null | undefined> {
    if (requested === undefined && !creating) return undefined;
    const cap = (await this.accountPolicy?.keyMaxLifetimeDays(manager, accountId)) ?? null;
    return expiryUnderCap(requested, cap, new Date(), creating);
  }

  /** Names identify keys (delete-by-name), so they are unique within their scope. */
  async assertNameFree(manager: EntityManager, accountId: string, scope: KeyScope, name: string, exceptId?: string): Promise<void> {
    const existing = await this.keys.findByName(accountId, scope, name, manager);
    if (existing && existing.id !== exceptId) throw AppError.conflict(`A key named "${name}" already exists`);
  }

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

  async issue(manager: EntityManager, request: IssueKeyRequest): Promise<IssuedKey> {
    if (request.name !== undefined) await this.assertNameFree(manager, request.accountId, request.scope, request.name);
    const kind: KeyKind = request.scope.kind;
    const expiresAt = (await this.cappedExpiry(manager, request.accountId, request.expiresAt, true)) ?? null;
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

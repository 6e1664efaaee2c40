import { Injectable } from '@nestjs/common';
import { AppError, TransactionRunner } from '@castellan/core';
import { KeyStore, GrantService, KeyCacheInvalidator, OPERATOR, scopeOf } from '@castellan/credentials';
import { AccessKeyService } from './access-key.service.js';
import { AccountApiKeyService } from './account-api-key.service.js';
import { RecoveredKeyDto } from './dto/access-key.dto.js';
import { UserApiKeyService } from './user-api-key.service.js';

/**
 * The operator's way back in (the CLI), for an account whose key secrets are all lost or leaked: a key named
 * by its api_key alone, whatever its account and kind, goes through its kind's own service.
 */
@Injectable()
export class KeyRecoveryService {
  constructor(
    private readonly keys: KeyStore,
    private readonly environmentKeys: AccessKeyService,
    private readonly accountKeys: AccountApiKeyService,
    private readonly userKeys: UserApiKeyService,
    private readonly transactions: TransactionRunner,
    private readonly grants: GrantService,
    private readonly keyCache: KeyCacheInvalidator,
  ) {}

  /**
   * A new secret, and with `enable` the key enabled again: the way back for a key a leak report disabled.
   * Enabling comes after the rotation, so that a failure in between never brings the leaked secret back.
   */
  async rotate(apiKey: string, graceSeconds: number, enable = false): Promise<RecoveredKeyDto> {
    // The operator knows the key, not its account: the lookup authentication makes is the one that finds it.
    const key = await this.keys.findForAuthentication(apiKey);
    if (!key) throw AppError.notFound('Key', apiKey);
    const input = { grace_seconds: graceSeconds };
    const rotated =
      key.kind === 'environment'
        ? await this.environmentKeys.rotate(OPERATOR, key.accountId, key.environmentId!, apiKey, input)
        : key.kind === 'user'
          ? await this.userKeys.rotate(OPERATOR, key.accountId, key.userId!, apiKey, input)
          : await this.accountKeys.rotate(OPERATOR, key.accountId, apiKey, input);
    if (enable && !rotated.enabled) {
      await this.transactions.run((manager) =>
        this.grants.change(manager, OPERATOR, { subjects: [{ key: key.id }], widens: true }, (tx) =>
          this.keys.update(tx, key.accountId, scopeOf(key), key.id, { enabled: true }, new Date()),
        ),
      );
      rotated.enabled = true;
    }
    // The CLI is another process than the servers: with Redis they hear of it at once, without it within the cache's maximum age.
    await this.keyCache.invalidate(key.accountId);
    return { account_id: key.accountId, kind: key.kind, ...rotated };
  }
}

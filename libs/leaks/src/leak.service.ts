import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, BackgroundWork, ErrorCode, OK, OkMessageDto, recogniseSecret, SecretHasher } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { AuditRecorder } from '@castellan/audit';
import { ApiKeyEntity, KeyStore, GrantService, KeyPatch, KeyCacheInvalidator, OPERATOR, scopeOf } from '@castellan/credentials';
import { RequestLimit, RequestLimiter } from '@castellan/throttling';

/** The audit action of a key a leak report stopped; its reason says which of the key's secrets leaked. */
export const LEAK_REPORT_ACTION = 'leak_report';
export const LEAKED_SECRET = 'LEAKED_SECRET';
export const LEAKED_PREVIOUS_SECRET = 'LEAKED_PREVIOUS_SECRET';
type LeakReason = typeof LEAKED_SECRET | typeof LEAKED_PREVIOUS_SECRET;

/** Per client address: plenty for a scanner reporting what it found, and a bound on anyone flooding the lookups. */
export const LEAK_REPORT_LIMIT: RequestLimit = { points: 60, durationSeconds: 60 };

/**
 * Leak response: whoever finds a secret (a scanner, a stranger) reports it, and the key stops accepting it.
 * Reports carry no credentials, so the answer must not tell whether a secret was live: it is given before any
 * lookup, and the work happens after it. Secrets are never logged; only api_keys are.
 */
@Injectable()
export class LeakService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LeakResponse');
  private readonly work = new BackgroundWork();

  constructor(
    private readonly keys: KeyStore,
    private readonly hasher: SecretHasher,
    private readonly accounts: AccountTransactions,
    private readonly audit: AuditRecorder,
    private readonly requests: RequestLimiter,
    private readonly keyCache: KeyCacheInvalidator,
    private readonly grants: GrantService,
  ) {}

  /**
   * Takes well-formed secrets only (the DTO checks them). Answers `ok` before any lookup, or 429 past the
   * address's limit, which counts reports and not what they matched.
   */
  async report(secrets: string[], ip: string): Promise<OkMessageDto> {
    const allowance = await this.requests.consume('leaks', ip, LEAK_REPORT_LIMIT);
    if (!allowance.allowed) {
      throw new AppError(
        ErrorCode.TooManyRequests,
        `Too many leak reports: ${LEAK_REPORT_LIMIT.points} a minute per address; retry after ${allowance.retryAfterSeconds} seconds`,
        allowance.headers,
      );
    }
    this.work.run(
      () => this.stopAll([...new Set(secrets)], ip),
      (error) => this.logFailure(error),
    );
    return OK;
  }

  /** Resolves when every report has been dealt with; for shutdown and tests. */
  settled(): Promise<void> {
    return this.work.settled();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** Never rejects: a key that fails is logged (by api_key) and the others are still stopped. */
  private async stopAll(secrets: string[], ip: string): Promise<void> {
    for (const secret of secrets) {
      let found: ApiKeyEntity[];
      try {
        found = await this.keys.findBySecretHash(recogniseSecret(secret)!, this.hasher.hash(secret));
      } catch (error) {
        this.logFailure(error);
        continue;
      }
      for (const key of found) {
        try {
          const reason = await this.accounts.run(key.accountId, (manager) => this.stop(manager, key, secret, new Date()));
          if (!reason) continue;
          // Reports come through no account's route, so the account's cached keys are dropped here.
          await this.keyCache.invalidate(key.accountId);
          this.logger.warn(
            `A leaked secret was reported: ${reason === LEAKED_SECRET ? 'disabled' : 'ended the grace period of'} ` +
              `key ${key.apiKey} of account ${key.accountId}`,
          );
          await this.audit.recordChange({
            principal: undefined,
            accountId: key.accountId,
            ip,
            action: LEAK_REPORT_ACTION,
            target: { type: 'key', id: key.apiKey },
            outcome: 'success',
            status: 200,
            reason,
          });
        } catch (error) {
          this.logFailure(error, key);
        }
      }
    }
  }

  /**
   * Re-reads the key under its account's lock, since a rotation may have moved the secret on since the lookup.
   * A leaked current secret disables the key, even the account's last enabled one: it must stop working at
   * once. The way back is a new secret (a rotation) before the key is enabled again, since enabling it alone
   * would revive the leaked secret. A leaked previous secret only ends the grace period: the current secret was
   * not reported, so the key keeps working with it.
   */
  private async stop(manager: EntityManager, found: ApiKeyEntity, secret: string, now: Date): Promise<LeakReason | null> {
    const key = await this.keys.findAnyInAccount(found.accountId, found.apiKey, manager);
    if (!key) return null;
    // The operator's own response: it only ever takes away (disables a key, or ends a grace period).
    const stopping = (patch: KeyPatch) =>
      this.grants.change(manager, OPERATOR, { subjects: [{ key: key.id }], widens: false }, (tx) =>
        this.keys.update(tx, key.accountId, scopeOf(key), key.id, patch, now),
      );
    if (this.hasher.matches(secret, key.secretHash)) {
      await stopping({ enabled: false });
      return LEAKED_SECRET;
    }
    const inGrace = key.previousSecretHash !== null && key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt > now;
    if (inGrace && this.hasher.matches(secret, key.previousSecretHash!)) {
      await stopping({ previousSecretHash: null, previousSecretExpiresAt: null });
      return LEAKED_PREVIOUS_SECRET;
    }
    return null;
  }

  /** The error's message and the api_key only: never the report, which holds secrets. */
  private logFailure(error: unknown, key?: ApiKeyEntity): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error(`Could not act on a leak report${key ? ` for key ${key.apiKey}` : ''}: ${reason}`);
  }
}

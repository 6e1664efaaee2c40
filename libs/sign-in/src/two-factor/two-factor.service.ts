import { Injectable, Logger } from '@nestjs/common';
import QRCode from 'qrcode';
import type { EntityManager } from 'typeorm';
import { AppError, AuthFailureReason, ErrorCode, isoSeconds, SecretHasher } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { SignInPolicies } from '@castellan/security';
import { AuthThrottle, tooManyFailures } from '@castellan/throttling';
import type { UserCredentialEntity } from '../passwords/user-credential.entity.js';
import { UserCredentialRepository } from '../passwords/user-credential.repository.js';
import { SessionService } from '../sessions/session.service.js';
import { signInThrottleSubject, SignInService } from '../sessions/sign-in.service.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { isTotpCode, matchingStep, newRecoveryCode, newTotpSecret, normalizedCode, RECOVERY_CODES_PER_SET, totpOf } from './codes.js';
import { RecoveryCodeRepository } from './recovery-code.repository.js';
import { TotpSecretBox } from './totp-secret-box.js';
import { RecoveryCodesDto, TwoFactorEnrollmentDto, TwoFactorStatusDto } from './dto/two-factor.dto.js';

/** The audit log's actions for what people do to their second factor. */
export const TWO_FACTOR_ACTIONS = {
  enable: 'two_factor.enable',
  disable: 'two_factor.disable',
  regenerate: 'recovery_codes.regenerate',
} as const;

/** The user a second factor is of. */
export type UserRef = Pick<UserEntity, 'accountId' | 'id'>;

/** Which kind of code proved the second factor; the audit log says when it was a recovery code. */
export type CodeKind = 'totp' | 'recovery_code';

const WRONG_CODE = () => AppError.invalid('The code is wrong, expired, or was used already', 'code');
const ALREADY_ENABLED = () => AppError.conflict('Two-factor authentication is already enabled');
const NOT_ENABLED = () => AppError.conflict('Two-factor authentication is not enabled');
const REQUIRED = () =>
  new AppError(ErrorCode.NotAllowed, 'The account requires two-factor authentication: it cannot be turned off while it does');

/**
 * A person's second factor: a TOTP secret (RFC 6238, sealed in the database) and ten one-time recovery codes
 * (hashed). Every code works once, also when sent twice at once: a TOTP code takes its time step for good (and the
 * steps before it), a recovery code is marked used by a conditional update. Every wrong code counts against the
 * user like a failed sign-in, and is audited.
 */
@Injectable()
export class TwoFactorService {
  private readonly logger = new Logger('TwoFactor');

  constructor(
    private readonly credentials: UserCredentialRepository,
    private readonly recoveryCodes: RecoveryCodeRepository,
    private readonly box: TotpSecretBox,
    private readonly hasher: SecretHasher,
    private readonly users: UserDirectory,
    private readonly policies: SignInPolicies,
    private readonly transactions: AccountTransactions,
    private readonly throttle: AuthThrottle,
    private readonly signIns: SignInService,
    private readonly sessions: SessionService,
  ) {}

  async status(user: UserRef): Promise<TwoFactorStatusDto> {
    const [credential, left, policy] = await Promise.all([
      this.credentials.find(user.accountId, user.id),
      this.recoveryCodes.countUnused(user.accountId, user.id),
      this.policies.of(user.accountId),
    ]);
    const enabledAt = credential?.totpEnabledAt ?? null;
    return {
      enabled: enabledAt !== null,
      enabled_at: enabledAt && isoSeconds(enabledAt),
      recovery_codes_left: left,
      policy: policy.twoFactor,
    };
  }

  /**
   * Begins an enrollment: a new secret, sealed in the user's row, where it waits for a code of it. A new start
   * replaces a secret not confirmed yet; a confirmed one is never replaced (409), or a session that got in with the
   * password alone could put its own authenticator in place of the user's.
   */
  async start(user: UserRef): Promise<TwoFactorEnrollmentDto> {
    const secret = newTotpSecret();
    const sealed = this.box.seal(secret, user);
    const { email } = await this.locked(user, async (manager) => {
      if ((await this.credentials.find(user.accountId, user.id, manager))?.totpEnabledAt) throw ALREADY_ENABLED();
      // No step of the new secret was used yet.
      await this.credentials.patch(user.accountId, user.id, { totpSecret: sealed, totpEnabledAt: null, totpLastStep: null }, manager);
    });
    const otpauthUrl = totpOf(secret, email).toString();
    const svg = await QRCode.toString(otpauthUrl, { type: 'svg' });
    return { secret, otpauth_url: otpauthUrl, qr_code: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}` };
  }

  /**
   * Turns two-factor on with a code of the secret being enrolled, and answers the first recovery codes, this once.
   * The session it is done in (`sessionId`, from My Profile) has proved a second factor thereby.
   */
  async confirm(user: UserRef, code: string, origin: Origin, sessionId?: string): Promise<RecoveryCodesDto> {
    const action = TWO_FACTOR_ACTIONS.enable;
    const credential = await this.credentials.find(user.accountId, user.id);
    if (credential?.totpEnabledAt) throw ALREADY_ENABLED();
    const enrolling = credential?.totpSecret;
    if (!enrolling) throw AppError.conflict('No two-factor enrollment to confirm: start one first');
    await this.proven(user, origin, action, () => this.takesTotp(user, enrolling, normalizedCode(code)));
    const codes = this.newRecoveryCodes(user);
    await this.locked(user, async (manager) => {
      const current = await this.credentials.find(user.accountId, user.id, manager);
      if (current?.totpEnabledAt) throw ALREADY_ENABLED();
      // The enrollment was started again meanwhile: the code was of a secret that is gone.
      if (current?.totpSecret !== enrolling) throw WRONG_CODE();
      await this.credentials.patch(user.accountId, user.id, { totpEnabledAt: new Date() }, manager);
      await this.recoveryCodes.replace(manager, user.accountId, user.id, codes.hashes);
    });
    if (sessionId) await this.sessions.provedSecondFactorIn(user.accountId, sessionId);
    this.signIns.record(user, origin, 'success', 200, null, action);
    return { recovery_codes: codes.shown };
  }

  /**
   * Checks a code of the user's second factor (a TOTP code or a recovery code) and uses it up; counts a wrong one
   * against the user and audits it as `action`. 400 for a wrong code, 429 while the user is blocked.
   */
  async prove(user: UserRef, code: string, origin: Origin, action: string): Promise<CodeKind> {
    return this.proven(user, origin, action, async () => {
      const credential = await this.credentials.find(user.accountId, user.id);
      return credential?.totpEnabledAt ? this.accepts(user, credential, code) : null;
    });
  }

  /** Turns two-factor off, proven by a code; refused (403) while the account requires it. Recovery codes go with it. */
  async disable(user: UserRef, code: string, origin: Origin): Promise<void> {
    const action = TWO_FACTOR_ACTIONS.disable;
    const refuseWhileRequired = async (manager?: EntityManager) => {
      if ((await this.policies.of(user.accountId, manager)).twoFactor !== 'required') return;
      this.signIns.record(user, origin, 'failure', 403, 'TWO_FACTOR_REQUIRED', action);
      throw REQUIRED();
    };
    // Before the code, so that a refusal costs no code; again under the lock, which a policy change takes too.
    await refuseWhileRequired();
    const credential = await this.enabled(user);
    const kind = await this.proven(user, origin, action, () => this.accepts(user, credential, code));
    await this.locked(user, async (manager) => {
      await refuseWhileRequired(manager);
      await this.credentials.patch(user.accountId, user.id, { totpSecret: null, totpEnabledAt: null }, manager);
      await this.recoveryCodes.deleteOfUser(manager, user.accountId, user.id);
    });
    this.signIns.record(user, origin, 'success', 200, reasonOf(kind), action);
  }

  /** A new set of recovery codes, proven by a code; the old set stops working. */
  async regenerate(user: UserRef, code: string, origin: Origin): Promise<RecoveryCodesDto> {
    const action = TWO_FACTOR_ACTIONS.regenerate;
    const credential = await this.enabled(user);
    const kind = await this.proven(user, origin, action, () => this.accepts(user, credential, code));
    const codes = this.newRecoveryCodes(user);
    await this.locked(user, async (manager) => {
      if (!(await this.credentials.find(user.accountId, user.id, manager))?.totpEnabledAt) throw NOT_ENABLED();
      await this.recoveryCodes.replace(manager, user.accountId, user.id, codes.hashes);
    });
    this.signIns.record(user, origin, 'success', 200, reasonOf(kind), action);
    return { recovery_codes: codes.shown };
  }

  /** Refuses before the code is looked at while the user is blocked; counts, audits and refuses a wrong one. */
  private async proven(user: UserRef, origin: Origin, action: string, check: () => Promise<CodeKind | null>): Promise<CodeKind> {
    // Wrong codes count where wrong passwords do: guessing one or the other costs the same.
    const subject = signInThrottleSubject(user);
    const wait = await this.throttle.subjectBlockedFor(subject);
    if (wait > 0) {
      this.signIns.record(user, origin, 'failure', 429, AuthFailureReason.Throttled, action);
      throw tooManyFailures(wait);
    }
    const kind = await check();
    if (kind) return kind;
    const { retryAfterSeconds } = await this.throttle.recordFailure(origin.ip, subject);
    this.signIns.record(user, origin, 'failure', retryAfterSeconds > 0 ? 429 : 400, 'WRONG_CODE', action);
    throw retryAfterSeconds > 0 ? tooManyFailures(retryAfterSeconds) : WRONG_CODE();
  }

  /** Uses up a code of an enabled second factor: a TOTP code of the secret, or an unused recovery code. */
  private async accepts(user: UserRef, credential: UserCredentialEntity, code: string): Promise<CodeKind | null> {
    const normalized = normalizedCode(code);
    if (isTotpCode(normalized)) return this.takesTotp(user, credential.totpSecret, normalized);
    return (await this.recoveryCodes.use(user.accountId, user.id, this.recoveryCodeHash(user, normalized))) ? 'recovery_code' : null;
  }

  /** 'totp' for a code of the sealed secret, within the drift allowed, of a time step newer than any accepted before. */
  private async takesTotp(user: UserRef, sealed: string | null, normalized: string): Promise<'totp' | null> {
    if (sealed === null) return null;
    const secret = this.box.open(sealed, user);
    if (secret === null) {
      this.logger.error(`The TOTP secret of user ${user.id} of account ${user.accountId} does not open: was SECRET_PEPPER changed?`);
      return null;
    }
    const step = matchingStep(totpOf(secret), normalized);
    return step !== null && (await this.credentials.takeTotpStep(user.accountId, user.id, step)) ? 'totp' : null;
  }

  private async enabled(user: UserRef): Promise<UserCredentialEntity> {
    const credential = await this.credentials.find(user.accountId, user.id);
    if (!credential?.totpEnabledAt) throw NOT_ENABLED();
    return credential;
  }

  private newRecoveryCodes(user: UserRef): { shown: string[]; hashes: string[] } {
    const shown = Array.from({ length: RECOVERY_CODES_PER_SET }, newRecoveryCode);
    return { shown, hashes: shown.map((code) => this.recoveryCodeHash(user, normalizedCode(code))) };
  }

  /** Salted with the user's id: one user's hash says nothing of another's codes. */
  private recoveryCodeHash(user: UserRef, normalized: string): string {
    return this.hasher.hash(`recovery-code:${user.id}:${normalized}`);
  }

  /** Runs `work` under the account's lock, once the user is known to still be there; answers the user. */
  private async locked(user: UserRef, work: (manager: EntityManager) => Promise<void>): Promise<UserEntity> {
    return this.transactions.run(user.accountId, async (manager) => {
      const current = await this.users.findById(user.accountId, user.id, manager);
      if (!current) throw AppError.notFound('User', user.id);
      await work(manager);
      return current;
    });
  }
}

const reasonOf = (kind: CodeKind): string | null => (kind === 'recovery_code' ? 'RECOVERY_CODE' : null);

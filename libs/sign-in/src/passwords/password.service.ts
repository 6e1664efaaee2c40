import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthFailureReason, BackgroundWork, ErrorCode, isoSeconds, OK } from '@castellan/core';
import type { OkMessageDto, Principal } from '@castellan/core';
import { AccountService, AccountTransactions } from '@castellan/accounts';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { Mailer } from '@castellan/security';
import { AuthThrottle, RequestLimit, RequestLimiter, tooManyFailures } from '@castellan/throttling';
import { INVALID_LINK, SignInTokens } from '../invitations/sign-in-tokens.js';
import type { SignInTokenEntity } from '../invitations/sign-in-token.entity.js';
import { SessionService } from '../sessions/session.service.js';
import { signInThrottleSubject, SignInService } from '../sessions/sign-in.service.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { checkPassword } from './password-policy.js';
import { PasswordHasher } from './password-hasher.js';
import { UserCredentialRepository } from './user-credential.repository.js';
import { ChangePasswordDto, PasswordResetConfirmDto, PasswordResetRequestDto } from './dto/password.dto.js';

/** The audit log's actions for what people do to their passwords. */
export const PASSWORD_ACTIONS = {
  invitationAccept: 'invitation.accept',
  resetRequest: 'password_reset.request',
  resetConfirm: 'password_reset.confirm',
  change: 'password.change',
} as const;

/** Reset mails one user may be sent: a retry or two, not a flood of their inbox by whoever knows their address. */
export const RESET_MAILS_PER_USER: RequestLimit = { points: 5, durationSeconds: 3600 };
/** Reset requests one client address may make, whoever they name: a bound on probing and on mail volume. */
export const RESET_REQUESTS_PER_ADDRESS: RequestLimit = { points: 20, durationSeconds: 3600 };

/** The subject failed sign-ins of a user are counted against; a wrong current password counts there too. */

/**
 * A person's password: reset through a mailed link when forgotten, changed when signed in, and set from an
 * invitation or a reset link. Every new password passes the policy, is stored as argon2id, and ends the user's
 * outstanding links; a reset ends every session of the user, a change every one but the session that made it.
 */
@Injectable()
export class PasswordService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Passwords');
  private readonly work = new BackgroundWork();
  private readonly resetValidMs: number;
  private readonly publicUrl: string;

  constructor(
    private readonly tokens: SignInTokens,
    private readonly users: UserDirectory,
    private readonly credentials: UserCredentialRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly signIns: SignInService,
    private readonly transactions: AccountTransactions,
    private readonly accounts: AccountService,
    private readonly mailer: Mailer,
    private readonly requests: RequestLimiter,
    private readonly throttle: AuthThrottle,
    config: AppConfig,
  ) {
    this.resetValidMs = config.signIn.passwordResetValidMinutes * 60_000;
    this.publicUrl = config.publicUrl;
  }

  /**
   * Answers `ok` before any lookup, whoever the email names, so that neither the answer nor its timing tells
   * whether a user has it; the users are looked up and mailed after. Only the address's limit is a 429: a user's
   * own limit mails nothing more, and says nothing.
   */
  async requestReset(input: PasswordResetRequestDto, origin: Origin): Promise<OkMessageDto> {
    const allowance = await this.requests.consume('password-reset:address', origin.ip, RESET_REQUESTS_PER_ADDRESS);
    if (!allowance.allowed) {
      throw new AppError(
        ErrorCode.TooManyRequests,
        `Too many password reset requests: ${RESET_REQUESTS_PER_ADDRESS.points} an hour per address; ` +
          `retry after ${allowance.retryAfterSeconds} seconds`,
        { 'Retry-After': String(allowance.retryAfterSeconds) },
      );
    }
    this.work.run(
      () => this.mailResets(input, origin),
      (error) => this.logger.error(`Could not handle a password reset request: ${(error as Error).message}`),
    );
    return OK;
  }

  /** Sets the password from a reset link and ends every session of the user: whoever held one no longer may. Signs nobody in. */
  async confirmReset(input: PasswordResetConfirmDto, origin: Origin): Promise<OkMessageDto> {
    const { link, user } = await this.tokens.redeemable(input.token, 'password_reset', origin.ip);
    await this.setFromLink(link, user, input.password);
    await this.sessions.endAllOfUser(user.accountId, user.id);
    this.signIns.record(user, origin, 'success', 200, null, PASSWORD_ACTIONS.resetConfirm);
    return OK;
  }

  /**
   * Uses the link up and sets the password in one transaction, so that of two requests with one link exactly one
   * sets a password; a pending user is pending no more. 400 before anything changes for a password the policy refuses.
   */
  async setFromLink(link: SignInTokenEntity, user: UserEntity, password: string): Promise<void> {
    checkPassword(password, user);
    // Hashed before the account lock is taken: argon2id takes its time on purpose.
    const passwordHash = await this.hasher.hash(password);
    await this.transactions.run(user.accountId, async (manager) => {
      if (!(await this.tokens.take(manager, link))) throw AppError.invalid(INVALID_LINK[link.purpose], 'token');
      await this.store(manager, user, passwordHash);
      if (user.pending) await this.users.markSignedIn(user.accountId, user.id, new Date(), manager);
    });
  }

  /**
   * A signed-in person changes their password, proving the current one: a wrong one is counted against the user
   * like a failed sign-in, so a session left open is no way to guess it. Their other sessions end.
   */
  async change(principal: Principal, input: ChangePasswordDto, origin: Origin): Promise<OkMessageDto> {
    const user = await this.users.findById(principal.accountId, principal.userId!);
    if (!user) throw AppError.invalidCredentials();
    const wait = await this.throttle.subjectBlockedFor(signInThrottleSubject(user));
    if (wait > 0) throw tooManyFailures(wait);
    const credential = await this.credentials.find(user.accountId, user.id);
    if (!(await this.hasher.matches(input.current_password, credential?.passwordHash ?? null))) {
      const { retryAfterSeconds } = await this.throttle.recordFailure(origin.ip, signInThrottleSubject(user));
      this.signIns.record(user, origin, 'failure', retryAfterSeconds > 0 ? 429 : 400, 'WRONG_PASSWORD', PASSWORD_ACTIONS.change);
      throw retryAfterSeconds > 0
        ? tooManyFailures(retryAfterSeconds)
        : AppError.invalid('The current password is wrong', 'current_password');
    }
    checkPassword(input.new_password, user, 'new_password');
    const passwordHash = await this.hasher.hash(input.new_password);
    await this.transactions.run(user.accountId, (manager) => this.store(manager, user, passwordHash));
    await this.sessions.endAllOfUser(user.accountId, user.id, principal.session!.id);
    this.signIns.record(user, origin, 'success', 200, null, PASSWORD_ACTIONS.change);
    return OK;
  }

  /** Resolves when every reset request answered so far has been dealt with; for shutdown and tests. */
  settled(): Promise<void> {
    return this.work.settled();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** A new password makes every link mailed before it moot: an old reset link must not undo it. */
  private async store(manager: EntityManager, user: UserEntity, passwordHash: string): Promise<void> {
    await this.credentials.patch(user.accountId, user.id, { passwordHash, passwordChangedAt: new Date() }, manager);
    await this.tokens.revoke(manager, user.accountId, user.id);
  }

  private async mailResets({ email, account_id }: PasswordResetRequestDto, origin: Origin): Promise<void> {
    const users =
      account_id !== undefined
        ? [await this.users.findByEmail(account_id, email)].filter((u): u is UserEntity => u !== null)
        : await this.users.findByEmailInEveryAccount(email);
    for (const user of users.filter((u) => u.enabled)) await this.mailReset(user, origin);
  }

  private async mailReset(user: UserEntity, origin: Origin): Promise<void> {
    const { allowed } = await this.requests.consume('password-reset:user', `${user.accountId}:${user.id}`, RESET_MAILS_PER_USER);
    if (!allowed) {
      this.signIns.record(user, origin, 'failure', 429, AuthFailureReason.Throttled, PASSWORD_ACTIONS.resetRequest);
      return;
    }
    const issued = await this.transactions.run(user.accountId, (manager) =>
      this.tokens.issue(manager, user, 'password_reset', this.resetValidMs),
    );
    const { name: account } = await this.accounts.get(user.accountId);
    try {
      await this.mailer.send({
        to: user.email,
        subject: 'Reset your Castellan password',
        text: [
          `Hello ${user.name},`,
          '',
          `Someone, hopefully you, asked to reset the password of ${user.email} in the account "${account}" on Castellan.`,
          'To choose a new password, open this link:',
          '',
          `${this.publicUrl}/console/#/reset-password/${issued.token}`,
          '',
          `The link works once, until ${isoSeconds(issued.expiresAt)} (UTC). A new password signs you out everywhere.`,
          'If you did not ask for this, ignore this mail: your password stays as it is. If such mails keep coming,',
          `tell an administrator of "${account}".`,
        ].join('\n'),
      });
    } catch (error) {
      // The stored link stays, known to nobody, until it expires or the next request replaces it.
      this.logger.error(
        `Could not mail a password reset link to user ${user.id} of account ${user.accountId}: ${(error as Error).message}`,
      );
      this.signIns.record(user, origin, 'failure', 503, 'MAIL_FAILED', PASSWORD_ACTIONS.resetRequest);
      return;
    }
    this.signIns.record(user, origin, 'success', 200, null, PASSWORD_ACTIONS.resetRequest);
  }
}

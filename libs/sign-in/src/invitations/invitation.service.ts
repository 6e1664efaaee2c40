import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorCode, isoSeconds, OK } from '@castellan/core';
import type { OkMessageDto, Principal } from '@castellan/core';
import { AccountService, AccountTransactions } from '@castellan/accounts';
import { GrantService } from '@castellan/credentials';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { SignInPolicies } from '@castellan/security';
import { RequestLimit, RequestLimiter } from '@castellan/throttling';
import { PASSWORD_ACTIONS, PasswordService } from '../passwords/password.service.js';
import { SignInService } from '../sessions/sign-in.service.js';
import type { Origin, SignedIn } from '../sessions/sign-in.service.js';
import { InvitationSender } from './invitation-sender.js';
import { SignInTokens } from './sign-in-tokens.js';
import { AcceptInvitationDto, InvitationDto, InvitationSentDto } from './dto/invitation.dto.js';

/** Invitations re-sent to one user per window: a resend or two for a lost mail, not a flood of their inbox. */
export const RESENDS_PER_USER: RequestLimit = { points: 5, durationSeconds: 600 };

/**
 * A new user's way in: the invitation mailed when they were created lets them choose a password and signs them in.
 * Admins re-send or revoke a pending user's invitation, under the grant invariant like any change to the user.
 */
@Injectable()
export class InvitationService {
  private readonly logger = new Logger('Invitations');

  constructor(
    private readonly tokens: SignInTokens,
    private readonly sender: InvitationSender,
    private readonly passwords: PasswordService,
    private readonly signIns: SignInService,
    private readonly users: UserDirectory,
    private readonly accounts: AccountService,
    private readonly transactions: AccountTransactions,
    private readonly grants: GrantService,
    private readonly policies: SignInPolicies,
    private readonly requests: RequestLimiter,
  ) {}

  /** What the console shows before the person chooses a password. */
  async inspect(token: string, origin: Origin): Promise<InvitationDto> {
    const { link, user } = await this.tokens.redeemable(token, 'invitation', origin.ip);
    const [account, policy] = await Promise.all([this.accounts.get(user.accountId), this.policies.of(user.accountId)]);
    return {
      email: user.email,
      name: user.name,
      account_name: account.name,
      two_factor_required: policy.twoFactor === 'required',
      expires_at: isoSeconds(link.expiresAt),
    };
  }

  /**
   * Sets the password, uses the invitation up and opens a session: a full one, or one that must first enroll the
   * second factor the account requires. Where the account requires SSO, only a master admin may take the password
   * path (the break-glass path of sign-in); anyone else is refused before anything changes, the link kept.
   */
  async accept(input: AcceptInvitationDto, origin: Origin): Promise<SignedIn> {
    const { link, user } = await this.tokens.redeemable(input.token, 'invitation', origin.ip);
    const policy = await this.policies.of(user.accountId);
    const method = this.signIns.passwordMethod(user, policy, origin, PASSWORD_ACTIONS.invitationAccept);
    await this.passwords.setFromLink(link, user, input.password);
    return this.signIns.opened(
      user,
      method,
      policy.twoFactor === 'required' ? 'enrollment' : 'full',
      origin,
      PASSWORD_ACTIONS.invitationAccept,
    );
  }

  /**
   * A new invitation in place of the user's earlier one, mailed; 409 for a user who accepted theirs, or is disabled;
   * 429 past RESENDS_PER_USER, so that no admin floods an inbox.
   */
  async resend(caller: Principal, userId: string): Promise<InvitationSentDto> {
    const { user, issued } = await this.changingUser(caller, userId, async (manager, user) => {
      if (!user.pending) throw AppError.conflict(`User ${userId} has accepted their invitation: they reset a forgotten password instead`);
      if (!user.enabled) throw AppError.conflict(`User ${userId} is disabled: enable them before inviting them`);
      const allowance = await this.requests.consume('invitations:resend', `${user.accountId}:${user.id}`, RESENDS_PER_USER);
      if (!allowance.allowed) {
        const message =
          `Too many invitations: a user may be sent ${RESENDS_PER_USER.points} every ${RESENDS_PER_USER.durationSeconds / 60} ` +
          `minutes; retry after ${allowance.retryAfterSeconds} seconds`;
        throw new AppError(ErrorCode.TooManyRequests, message, { 'Retry-After': String(allowance.retryAfterSeconds) });
      }
      return { user, issued: await this.sender.issue(manager, user) };
    });
    try {
      await this.sender.mail(user, issued);
    } catch (error) {
      // The stored link stays, known to nobody, until it expires or the next invitation replaces it.
      this.logger.error(`Could not mail an invitation to user ${userId} of account ${user.accountId}: ${(error as Error).message}`);
      throw new AppError(ErrorCode.Unavailable, 'The invitation could not be sent');
    }
    return { message: 'ok', expires_at: isoSeconds(issued.expiresAt) };
  }

  /** The user's invitation link stops working; the user stays, pending, until an admin invites them again. */
  async revoke(caller: Principal, userId: string): Promise<OkMessageDto> {
    await this.changingUser(caller, userId, (manager, user) => this.tokens.revoke(manager, user.accountId, user.id, ['invitation']));
    return OK;
  }

  /** Under the account lock: 404 for a user the account lacks, 403 for one who holds more than the caller. */
  private changingUser<T>(caller: Principal, userId: string, work: (manager: EntityManager, user: UserEntity) => Promise<T>): Promise<T> {
    return this.transactions.run(caller.accountId, async (manager) => {
      const user = await this.users.findById(caller.accountId, userId, manager);
      if (!user) throw AppError.notFound('User', userId);
      return this.grants.change(manager, caller, { subjects: [{ user: userId }], widens: false }, (tx) => work(tx, user));
    });
  }
}

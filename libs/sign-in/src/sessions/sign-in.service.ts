import { Injectable } from '@nestjs/common';
import { AppError, AuthFailureReason, ErrorCode, SignInMethod } from '@castellan/core';
import { AccountService } from '@castellan/accounts';
import { AuditRecorder } from '@castellan/audit';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { SignInPolicies } from '@castellan/security';
import type { SignInPolicy } from '@castellan/security';
import { AuthThrottle, tooManyFailures } from '@castellan/throttling';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { UserCredentialRepository } from '../passwords/user-credential.repository.js';
import { OpenedSession, SessionService } from './session.service.js';
import { SessionStage } from './user-session.entity.js';
import { CurrentSessionDto, SignInDto, SignInResultDto } from './dto/sign-in.dto.js';

/** The audit log's actions for what people do to get in. */
export const SIGN_IN_ACTIONS = {
  signIn: 'sign_in',
  signOut: 'sign_out',
  secondFactor: 'sign_in.second_factor',
} as const;

/** Where a request comes from, as the audit log and the session record it. */
export interface Origin {
  ip: string;
  userAgent: string | undefined;
}

/** What sign-in answers with the session it opened (none for choose_account). */
export interface SignedIn {
  result: SignInResultDto;
  opened: OpenedSession | null;
}

const WRONG = () => AppError.invalidCredentials();
/** What failed sign-ins of a user count against, here and wherever else their password or second factor is checked. */
export const signInThrottleSubject = (user: Pick<UserEntity, 'accountId' | 'id'>) => `sign-in:${user.accountId}:${user.id}`;

/**
 * A person signs in with their email and password. Failures are throttled per client address and per user, like
 * failed key authentications, and audited in the user's account; the answer never says which part was wrong.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UserDirectory,
    private readonly credentials: UserCredentialRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly policies: SignInPolicies,
    private readonly throttle: AuthThrottle,
    private readonly audit: AuditRecorder,
    private readonly accounts: AccountService,
  ) {}

  async signIn(input: SignInDto, origin: Origin): Promise<SignedIn> {
    const ipWait = await this.throttle.ipBlockedFor(origin.ip);
    if (ipWait > 0) throw tooManyFailures(ipWait);
    const candidates = (
      input.account_id !== undefined
        ? [await this.users.findByEmail(input.account_id, input.email)].filter((u): u is UserEntity => u !== null)
        : await this.users.findByEmailInEveryAccount(input.email)
    ).filter((u) => u.enabled);
    // A blocked user is refused before their password is checked, so that a right guess during the block fails too.
    const waits = await Promise.all(candidates.map((u) => this.throttle.subjectBlockedFor(signInThrottleSubject(u))));
    const open = candidates.filter((_, i) => waits[i] === 0);
    const matched: UserEntity[] = [];
    for (const user of open) {
      const credential = await this.credentials.find(user.accountId, user.id);
      if (await this.hasher.matches(input.password, credential?.passwordHash ?? null)) {
        matched.push(user);
        if (credential?.passwordHash && this.hasher.needsRehash(credential.passwordHash))
          await this.credentials.patch(user.accountId, user.id, { passwordHash: await this.hasher.hash(input.password) });
      }
    }
    // Nobody to check costs the time of one check all the same.
    if (open.length === 0) await this.hasher.matches(input.password, null);
    if (matched.length === 0) return this.refuse(candidates, origin, Math.max(0, ...waits));
    if (matched.length > 1) {
      const accounts = await Promise.all(
        matched.map(async (u) => ({ id: u.accountId, name: (await this.accounts.get(u.accountId)).name })),
      );
      return { result: { status: 'choose_account', account_id: null, user_id: null, accounts }, opened: null };
    }
    const user = matched[0]!;
    const policy = await this.policies.of(user.accountId);
    const method = this.passwordMethod(user, policy, origin, SIGN_IN_ACTIONS.signIn);
    const credential = await this.credentials.find(user.accountId, user.id);
    const stage: SessionStage = credential?.totpEnabledAt ? 'second_factor' : policy.twoFactor === 'required' ? 'enrollment' : 'full';
    return this.opened(user, method, stage, origin, SIGN_IN_ACTIONS.signIn);
  }

  /**
   * Opens the session a proven password earned, at `stage`, audits it as `action`, and answers where the sign-in
   * stands. A complete one marks the user signed in.
   */
  async opened(user: UserEntity, method: SignInMethod, stage: SessionStage, origin: Origin, action: string): Promise<SignedIn> {
    const opened = await this.sessions.open({
      accountId: user.accountId,
      userId: user.id,
      method,
      stage,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    if (stage === 'full') await this.users.markSignedIn(user.accountId, user.id, new Date());
    const reason = method === 'break_glass' ? 'BREAK_GLASS' : stage === 'full' ? null : stage.toUpperCase();
    this.record(user, origin, 'success', 200, reason, action);
    const status = stage === 'full' ? 'signed_in' : stage === 'second_factor' ? 'second_factor_required' : 'enrollment_required';
    return { result: { status, account_id: user.accountId, user_id: user.id }, opened };
  }

  /**
   * How a password may sign this user in under the account's policy: as a password, or, where SSO is required, as
   * the documented break-glass path of master admins (audited as such); anyone else is refused (403, audited).
   */
  passwordMethod(user: UserEntity, policy: SignInPolicy, origin: Origin, action: string): SignInMethod {
    if (!policy.ssoRequired) return 'password';
    if (user.role === 'master_admin') return 'break_glass';
    this.record(user, origin, 'failure', 403, 'SSO_REQUIRED', action);
    throw new AppError(ErrorCode.NotAllowed, 'This account signs in with single sign-on: use "Sign in with SSO"');
  }

  /** Ends the session the token names, if it is live (an unknown token is no error: the cookie is cleared all the same). */
  async signOut(token: string, origin: Origin): Promise<void> {
    const live = await this.sessions.live(token);
    // Signing out of a session that is gone already is no failure: the cookie is cleared all the same.
    if ('refused' in live) return;
    await this.sessions.endOne(live.session.accountId, live.session.userId, live.session.id);
    this.record(live.user, origin, 'success', 200, null, SIGN_IN_ACTIONS.signOut);
  }

  /** Who the token signs in, at whatever stage: the console asks this to know where to go. */
  async current(token: string, origin: Origin): Promise<CurrentSessionDto> {
    const { session, user } = await this.sessions.proven(token, origin.ip);
    // The policy as it is now: a session it ends is gone, one it sends back to enrollment says so.
    if (session.stage === 'full' && (await this.sessions.narrowedByPolicy(session, user)) === AuthFailureReason.PolicyChanged)
      throw WRONG();
    const [policy, credential] = await Promise.all([this.policies.of(user.accountId), this.credentials.find(user.accountId, user.id)]);
    const dto = this.sessions.toDto(session, session.id);
    return {
      stage: session.stage,
      account_id: user.accountId,
      user_id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      method: session.method,
      two_factor_enabled: credential?.totpEnabledAt != null,
      two_factor_policy: policy.twoFactor,
      expires_at: dto.expires_at,
    };
  }

  /** Counts the failure against the address and each user it could have been, audits it in their accounts, and throws. */
  private async refuse(candidates: UserEntity[], origin: Origin, alreadyBlocked: number): Promise<never> {
    let retryAfter = alreadyBlocked;
    if (candidates.length === 0) retryAfter = Math.max(retryAfter, (await this.throttle.recordFailure(origin.ip, null)).retryAfterSeconds);
    for (const user of candidates) {
      const verdict = await this.throttle.recordFailure(origin.ip, signInThrottleSubject(user));
      retryAfter = Math.max(retryAfter, verdict.retryAfterSeconds);
      this.record(user, origin, 'failure', verdict.retryAfterSeconds > 0 ? 429 : 401, 'WRONG_PASSWORD');
    }
    throw retryAfter > 0 ? tooManyFailures(retryAfter) : WRONG();
  }

  /** Audits a sign-in event in the user's account, as the user. */
  record(
    user: Pick<UserEntity, 'accountId' | 'id'>,
    origin: Origin,
    outcome: 'success' | 'failure',
    status: number,
    reason: string | null,
    action: string = SIGN_IN_ACTIONS.signIn,
  ): void {
    void this.audit.recordChange({
      principal: undefined,
      accountId: user.accountId,
      actorUserId: user.id,
      ip: origin.ip,
      action,
      target: { type: 'user', id: user.id },
      outcome,
      status,
      reason,
    });
  }
}

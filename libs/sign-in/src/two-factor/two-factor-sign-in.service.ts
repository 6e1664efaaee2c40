import { Injectable } from '@nestjs/common';
import { AppError, AuthFailureReason } from '@castellan/core';
import { UserDirectory } from '@castellan/people';
import { SessionService } from '../sessions/session.service.js';
import type { LiveSession } from '../sessions/session.service.js';
import { SIGN_IN_ACTIONS, SignInService } from '../sessions/sign-in.service.js';
import type { Origin } from '../sessions/sign-in.service.js';
import type { SessionStage } from '../sessions/user-session.entity.js';
import type { SignInResultDto } from '../sessions/dto/sign-in.dto.js';
import { TwoFactorService } from './two-factor.service.js';
import { RecoveryCodesDto, TwoFactorEnrollmentDto } from './dto/two-factor.dto.js';

/**
 * The sign-in stages after the password: a session at `second_factor` becomes complete with a code of the user's
 * second factor; one at `enrollment` (the account requires two-factor, the user has none) with a code of the
 * second factor it enrolls. The session is the cookie's, whatever its stage, so these routes are public; a session
 * at another stage is refused as no session would be (401), and a complete one is told it is complete (409).
 */
@Injectable()
export class TwoFactorSignIn {
  constructor(
    private readonly sessions: SessionService,
    private readonly twoFactor: TwoFactorService,
    private readonly users: UserDirectory,
    private readonly signIns: SignInService,
  ) {}

  async secondFactor(token: string, code: string, origin: Origin): Promise<SignInResultDto> {
    const live = await this.atStage(token, origin, 'second_factor');
    const kind = await this.twoFactor.prove(live.user, code, origin, SIGN_IN_ACTIONS.secondFactor);
    await this.complete(live);
    this.signIns.record(live.user, origin, 'success', 200, kind === 'recovery_code' ? 'RECOVERY_CODE' : null, SIGN_IN_ACTIONS.secondFactor);
    return { status: 'signed_in', account_id: live.user.accountId, user_id: live.user.id };
  }

  async startEnrollment(token: string, origin: Origin): Promise<TwoFactorEnrollmentDto> {
    const { user } = await this.atStage(token, origin, 'enrollment');
    return this.twoFactor.start(user);
  }

  /** Enables the enrolled second factor; the session is complete, and the recovery codes are shown this once. */
  async confirmEnrollment(token: string, code: string, origin: Origin): Promise<RecoveryCodesDto> {
    const live = await this.atStage(token, origin, 'enrollment');
    const codes = await this.twoFactor.confirm(live.user, code, origin);
    await this.complete(live);
    return codes;
  }

  /**
   * The cookie's live session at `stage`, under the account's policy as it is now: a password session that SSO
   * now excludes is ended, and a complete one whose user has no second factor while the account requires one is
   * sent back to enrollment (and may then enroll here).
   */
  private async atStage(token: string, origin: Origin, stage: SessionStage): Promise<LiveSession> {
    const live = await this.sessions.proven(token, origin.ip);
    if ((await this.sessions.narrowedByPolicy(live.session, live.user)) === AuthFailureReason.PolicyChanged) {
      throw AppError.invalidCredentials();
    }
    if (live.session.stage === stage) return live;
    if (live.session.stage === 'full') throw AppError.conflict('This session is signed in already');
    throw AppError.invalidCredentials();
  }

  private async complete({ session, user }: LiveSession): Promise<void> {
    await this.sessions.provedSecondFactor(session);
    await this.users.markSignedIn(user.accountId, user.id, new Date());
  }
}

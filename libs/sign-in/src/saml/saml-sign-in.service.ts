import { Injectable } from '@nestjs/common';
import { AppConfig, AppError, ErrorCode } from '@castellan/core';
import { AuditRecorder } from '@castellan/audit';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { SignInPolicies } from '@castellan/security';
import { AuthThrottle, tooManyFailures } from '@castellan/throttling';
import { SessionService } from '../sessions/session.service.js';
import type { OpenedSession } from '../sessions/session.service.js';
import { SIGN_IN_ACTIONS, SignInService } from '../sessions/sign-in.service.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { consoleLocation } from './console-location.js';
import { SamlAssertionRepository } from './saml-assertion.repository.js';
import { SAML_REFUSALS, SamlRefusal, SamlRefusalReason, verifySamlResponse } from './saml-response.js';
import type { VerifiedAssertion } from './saml-response.js';
import { ServiceProvider } from './service-provider.js';
import { SamlResponseFormDto } from './dto/saml.dto.js';

/** The status of a SAML sign-in: the browser is sent on to the console with its cookie (See Other: the POST is done). */
export const SIGNED_IN_STATUS = 303;

/**
 * A browser that posted the IdP's form must not be asked for a password of its own (or, headless, hang), as a Basic
 * challenge would make it do: the scheme named is the one this route takes.
 */
const CHALLENGE = { 'WWW-Authenticate': 'SAML realm="castellan"' };

/** What a SAML sign-in answers: the session opened, for the cookie, and where the browser goes next. */
export interface SamlSignedIn {
  opened: OpenedSession;
  location: string;
}

/**
 * SAML single sign-on into one account, with the identity provider its security settings trust.
 *
 * The assertion signs in an EXISTING, enabled user of the account in the URL, found by email; there is no just-in-time
 * creation, since users made from assertions would let whoever controls the IdP add people to the account outside its
 * admins' grant checks. The session is complete at once ('full'): the IdP is in charge of how people authenticate,
 * second factors included, so the account's two-factor policy asks nothing more of a SAML session.
 */
@Injectable()
export class SamlSignInService {
  private readonly publicUrl: string;

  constructor(
    private readonly policies: SignInPolicies,
    private readonly assertions: SamlAssertionRepository,
    private readonly users: UserDirectory,
    private readonly sessions: SessionService,
    private readonly signIns: SignInService,
    private readonly throttle: AuthThrottle,
    private readonly audit: AuditRecorder,
    config: AppConfig,
  ) {
    this.publicUrl = config.publicUrl;
  }

  async metadata(accountId: string): Promise<string> {
    return (await this.serviceProvider(accountId)).metadata();
  }

  async loginUrl(accountId: string): Promise<string> {
    return (await this.serviceProvider(accountId)).loginUrl();
  }

  /**
   * Checks the posted response and opens a session for the user it names. Each refusal is audited in the account and
   * counted against the client's address; 429 while the address is blocked.
   */
  async signIn(accountId: string, form: SamlResponseFormDto, origin: Origin): Promise<SamlSignedIn> {
    const wait = await this.throttle.ipBlockedFor(origin.ip);
    if (wait > 0) throw tooManyFailures(wait);
    const sp = await this.serviceProvider(accountId);
    const now = new Date();
    let assertion: VerifiedAssertion;
    try {
      assertion = await verifySamlResponse(sp, form.SAMLResponse, now.getTime());
    } catch (error) {
      if (error instanceof SamlRefusal) return this.refuse(accountId, origin, error.reason, null);
      throw error;
    }
    // Taken before the user is looked up: an assertion is spent whatever it leads to.
    if (!(await this.assertions.take(accountId, assertion.id, assertion.acceptableUntil, now)))
      return this.refuse(accountId, origin, 'REPLAY', null);
    if (assertion.email === null) return this.refuse(accountId, origin, 'NO_EMAIL', null);
    // The account in the URL decides: a user of another account with this email is nobody here.
    const user = await this.users.findByEmail(accountId, assertion.email);
    if (!user) return this.refuse(accountId, origin, 'UNKNOWN_USER', null);
    if (!user.enabled) return this.refuse(accountId, origin, 'USER_DISABLED', user);

    const opened = await this.sessions.open({ accountId, userId: user.id, method: 'saml', stage: 'full', ...origin });
    await this.users.markSignedIn(accountId, user.id, now);
    this.signIns.record(user, origin, 'success', SIGNED_IN_STATUS, 'SAML');
    return { opened, location: consoleLocation(form.RelayState) };
  }

  /** 404 alike for an account without SAML and for no account at all: the answer tells nothing of which. */
  private async serviceProvider(accountId: string): Promise<ServiceProvider> {
    const { saml } = await this.policies.of(accountId);
    if (!saml) throw new AppError(ErrorCode.NotFound, 'SAML single sign-on is not enabled for this account');
    return new ServiceProvider(this.publicUrl, accountId, saml);
  }

  private async refuse(accountId: string, origin: Origin, reason: SamlRefusalReason, user: UserEntity | null): Promise<never> {
    const { retryAfterSeconds } = await this.throttle.recordFailure(origin.ip, null);
    const [status, message] = SAML_REFUSALS[reason];
    const answered = retryAfterSeconds > 0 ? 429 : status;
    // Nobody acted when the response names no user of the account: the event is the account's alone.
    if (user) this.signIns.record(user, origin, 'failure', answered, reason);
    else
      void this.audit.recordChange({
        principal: undefined,
        accountId,
        ip: origin.ip,
        action: SIGN_IN_ACTIONS.signIn,
        target: null,
        outcome: 'failure',
        status: answered,
        reason,
      });
    if (retryAfterSeconds > 0) throw tooManyFailures(retryAfterSeconds);
    if (status === 400) throw AppError.invalid(message, 'SAMLResponse');
    if (status === 403) throw new AppError(ErrorCode.NotAllowed, message);
    throw new AppError(ErrorCode.InvalidCredentials, message, CHALLENGE);
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import {
  AppError,
  AUDIT_SINK,
  AuthFailureReason,
  ErrorCode,
  isSession,
  KEY_USAGE_SINK,
  Principal,
  routeAccess,
  requireCsrfHeader,
  RouteAccess,
  SESSION_AUTHENTICATOR,
} from '@castellan/core';
import type { AuditSink, FailedAuthentication, KeyUsageSink, SessionAuthenticator } from '@castellan/core';
import { AuthThrottle, KeyRateLimiter, tooManyFailures } from '@castellan/throttling';
import { ActionAuthorizer } from './action-authorizer.js';
import { AuthenticatingRequest, BasicAuthGuard, basicCredentials } from './basic-auth.strategy.js';
import { LastUseRecorder } from './last-use.recorder.js';

interface GuardedRequest extends AuthenticatingRequest {
  user?: Principal;
  params?: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  method: string;
}

/** The api_key a Basic header presents, when it has the shape of one. Reads the user part only, never the secret. */
export function presentedApiKey(authorization: string | string[] | undefined): string | null {
  const user = basicCredentials(authorization)?.userId;
  return user !== undefined && /^\d{15}$/.test(user) ? user : null;
}

const personOnly = () =>
  new AppError(ErrorCode.NotAllowed, "Only a person signed in to the console may call this route; API keys, even a user's own, may not");

/**
 * The global guard. Every route must declare its access with @Authenticated or @Public; one that declares
 * nothing is refused, so forgetting is never an open door.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly basic: BasicAuthGuard,
    private readonly actions: ActionAuthorizer,
    private readonly lastUse: LastUseRecorder,
    private readonly throttle: AuthThrottle,
    private readonly rateLimits: KeyRateLimiter,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
    @Inject(KEY_USAGE_SINK) private readonly usage: KeyUsageSink,
    @Inject(SESSION_AUTHENTICATOR) private readonly sessions: SessionAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, context);
    if (!access) throw new AppError(ErrorCode.Internal, 'Route declares no access rule');
    if (access.public) {
      if (access.csrf) requireCsrfHeader(context.switchToHttp().getRequest<GuardedRequest>());
      return true;
    }

    const request = context.switchToHttp().getRequest<GuardedRequest>();
    // A blocked address is refused before its credentials cost a lookup, and neither counted nor audited: that is the flood.
    const wait = await this.throttle.ipBlockedFor(request.ip);
    if (wait > 0) throw tooManyFailures(wait);
    const principal = await this.authenticate(context, request);
    // A key of another account is told no more than a wrong secret would be; its own account's log shows the attempt.
    const params = request.params ?? {};
    const accountId = params['account_id'];
    if (accountId !== undefined && accountId !== principal.accountId) {
      return this.refuse(request, {
        apiKey: principal.apiKey,
        key: { accountId: principal.accountId, kind: principal.kind, userId: principal.userId },
        reason: AuthFailureReason.WrongAccount,
      });
    }
    if (isSession(principal)) return this.authorizeSession(context, access, principal, params);
    this.lastUse.record(principal, request.ip);
    // Set before authorization, so that refusals of the key carry them too; a 429 carries them itself.
    const limited = this.rateLimits.consume(principal);
    if (limited)
      context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .headers(await limited.catch((error: unknown) => this.denied(principal, error)));
    try {
      if (access.person) throw personOnly();
      this.authorize(access, principal, params);
    } catch (error) {
      this.audit.recordRefusal(context, error);
      return this.denied(principal, error);
    }
    // The decision API counts its decisions instead.
    if (!access.decisions) this.usage.count(principal, true);
    return true;
  }

  /** A person's session: the same authorization as their user's keys, with no key to count, limit or mark used. */
  private authorizeSession(
    context: ExecutionContext,
    access: RouteAccess & { public: false },
    principal: Principal,
    params: Record<string, string | undefined>,
  ): boolean {
    try {
      this.authorize(access, principal, params);
    } catch (error) {
      this.audit.recordRefusal(context, error);
      throw error;
    }
    return true;
  }

  /** Counts a refusal of an authenticated key (its rate limit, a permission it lacks) as a denied use, and throws it. */
  private denied(principal: Principal, error: unknown): never {
    this.usage.count(principal, false);
    throw error;
  }

  private async authenticate(context: ExecutionContext, request: GuardedRequest): Promise<Principal> {
    // Basic credentials win over a cookie: automation that sends a key acts as the key, whatever the browser holds.
    const sessionId = request.headers['authorization'] === undefined ? this.sessions.presented(request) : null;
    if (sessionId !== null) {
      const session = await this.sessions.authenticate(request, sessionId);
      if ('principal' in session) return (request.user = session.principal);
      return this.refuse(request, { apiKey: null, key: null, reason: session.refused });
    }
    try {
      await this.basic.canActivate(context);
    } catch (error) {
      if (!(error instanceof AppError && error.code === ErrorCode.InvalidCredentials)) throw error;
      // Passport refuses a missing or unreadable header itself, before the strategy runs.
      const failure = request.authFailure ?? { failure: AuthFailureReason.MissingCredentials, key: null };
      return this.refuse(request, { apiKey: presentedApiKey(request.headers['authorization']), key: failure.key, reason: failure.failure });
    }
    return request.user!;
  }

  /**
   * Answers a failed authentication: 401, or 429 when it blocked the address or the api_key, or the api_key
   * was already blocked. Each is audited as it was answered; the failure that starts a block once more, as THROTTLED.
   */
  private async refuse(request: GuardedRequest, failure: Omit<FailedAuthentication, 'ip' | 'status'>): Promise<never> {
    // Only a wrong secret guesses at the key: the other refusals of a known key come from the holder of its secret.
    const guessed = failure.reason === AuthFailureReason.WrongSecret && failure.key ? failure.apiKey : null;
    const { retryAfterSeconds, blockStarted } = await this.throttle.recordFailure(request.ip, guessed);
    const event: FailedAuthentication = { ...failure, ip: request.ip, status: retryAfterSeconds > 0 ? 429 : 401 };
    this.audit.recordFailedAuthentication(event);
    // A refusal of a key that exists is a denied use of it; made-up api_keys are counted nowhere.
    if (failure.key && failure.apiKey) this.usage.count({ accountId: failure.key.accountId, apiKey: failure.apiKey }, false);
    if (blockStarted) this.audit.recordFailedAuthentication({ ...event, reason: AuthFailureReason.Throttled });
    throw retryAfterSeconds > 0 ? tooManyFailures(retryAfterSeconds) : AppError.invalidCredentials();
  }

  private authorize(access: RouteAccess & { public: false }, principal: Principal, params: Record<string, string | undefined>): void {
    if (!access.permission) return;
    const own = access.owner !== undefined && principal.userId !== null && params[access.owner.param] === principal.userId;
    // A user limited to some environments may not reach the others through the Provisioning API either.
    this.actions.require(principal, own ? access.owner!.permission : access.permission, {
      environmentId: params['sub_account_id'],
      withinReach: access.withinReach,
    });
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  AppError,
  AUDIT_SINK,
  AuthFailureReason,
  isoSeconds,
  newRecordId,
  requireCsrfHeader,
  Principal,
  SecretHasher,
  SESSION_COOKIE,
  SessionAuthenticator,
  SessionRef,
  SessionRefusal,
  SessionRequest,
  SignInMethod,
  USER_PRIVILEGES,
} from '@castellan/core';
import type { AuditSink, UserPrivilegeSource } from '@castellan/core';
import { AuthThrottle, tooManyFailures } from '@castellan/throttling';
import { AccountTransactions } from '@castellan/accounts';
import { GrantService } from '@castellan/credentials';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { SignInPolicies } from '@castellan/security';
import { UserCredentialRepository } from '../passwords/user-credential.repository.js';
import { SessionCache } from './session-cache.js';
import { SessionStage, UserSessionEntity } from './user-session.entity.js';
import { UserSessionRepository } from './user-session.repository.js';
import { SessionDto, SessionListDto } from './dto/session.dto.js';

/** A session's last_seen_at is written at most this often: an idle timeout of minutes needs no write per request. */
const TOUCH_INTERVAL_MS = 60_000;

/** What opening a session needs to know. */
export interface NewSession {
  accountId: string;
  userId: string;
  method: SignInMethod;
  stage: SessionStage;
  ip: string;
  userAgent: string | undefined;
}

/** A session just opened: its token goes into the cookie once, and is never stored or shown again. */
export interface OpenedSession {
  token: string;
  session: UserSessionEntity;
}

/** A session that is what it claims, with its user, for the routes that finish a sign-in. */
export interface LiveSession {
  session: UserSessionEntity;
  user: UserEntity;
}

/** The session id a Cookie header carries, or null. Only the first castellan_session counts. */
export function sessionToken(cookieHeader: string | string[] | undefined): string | null {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(separator + 1).trim();
    // A token is 43 base64url characters; anything else names no session, and costs no lookup.
    return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : '';
  }
  return null;
}

/**
 * Console sessions: opened by a sign-in, carried by an HttpOnly cookie, recorded in the database (and in Redis
 * when there is one), and checked on every request against the user and the account's policy as they are now.
 * A session acts as its user: the principal it yields is the user's, with no rules of its own, so the one
 * permission engine and the one guard decide for it as for the user's keys.
 */
@Injectable()
export class SessionService implements SessionAuthenticator {
  private readonly logger = new Logger('Sessions');
  private readonly idleMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly sessions: UserSessionRepository,
    private readonly cache: SessionCache,
    private readonly credentials: UserCredentialRepository,
    private readonly users: UserDirectory,
    private readonly policies: SignInPolicies,
    private readonly hasher: SecretHasher,
    private readonly dataSource: DataSource,
    @Inject(USER_PRIVILEGES) private readonly privileges: UserPrivilegeSource,
    private readonly accounts: AccountTransactions,
    private readonly grants: GrantService,
    private readonly throttle: AuthThrottle,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
    config: AppConfig,
  ) {
    this.idleMs = config.signIn.sessionIdleMinutes * 60_000;
    this.maxMs = config.signIn.sessionMaxHours * 3_600_000;
  }

  presented(request: SessionRequest): string | null {
    return sessionToken(request.headers['cookie']);
  }

  async open(input: NewSession): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = Object.assign(new UserSessionEntity(), {
      id: newRecordId(),
      tokenHash: this.tokenHash(token),
      accountId: input.accountId,
      userId: input.userId,
      method: input.method,
      stage: input.stage,
      ip: input.ip.slice(0, 64),
      userAgent: (input.userAgent ?? '').slice(0, 255),
      createdAt: now,
      lastSeenAt: now,
      secondFactorAt: null,
      expiresAt: new Date(now.getTime() + this.maxMs),
    } satisfies UserSessionEntity);
    // Ended sessions are deleted when they are next presented; those never presented again, when their user next signs in.
    await this.sessions.deleteEndedOfUser(input.accountId, input.userId, now, new Date(now.getTime() - this.idleMs));
    await this.sessions.insert(session);
    return { token, session };
  }

  /** The Set-Cookie value that carries a new session: HttpOnly, SameSite=Strict, path-scoped, Secure over https. */
  cookie(token: string, secure: boolean): string {
    const maxAge = Math.floor(this.maxMs / 1000);
    return `${SESSION_COOKIE}=${token}; Path=/v1_1; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  /** The Set-Cookie value that removes the session cookie from the browser. */
  clearedCookie(secure: boolean): string {
    return `${SESSION_COOKIE}=; Path=/v1_1; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  async authenticate(
    request: SessionRequest,
    token: string,
  ): Promise<{ principal: Principal & { session: SessionRef } } | { refused: SessionRefusal }> {
    const live = await this.live(token);
    if ('refused' in live) return live;
    const { session, user } = live;
    if (session.stage !== 'full') return { refused: AuthFailureReason.SignInIncomplete };
    const narrowed = await this.narrowedByPolicy(session, user);
    if (narrowed) return { refused: narrowed };
    requireCsrfHeader(request);
    const entitlement = (await this.privileges.entitlements(this.dataSource.manager, session.accountId, [user.id])).get(user.id);
    if (!entitlement?.enabled) {
      await this.endSessions(session.accountId, { id: session.id });
      return { refused: AuthFailureReason.UserUnavailable };
    }
    return {
      principal: {
        kind: 'user',
        keyId: '',
        apiKey: '',
        name: user.email,
        accountId: session.accountId,
        environmentId: null,
        rules: null,
        userId: user.id,
        userPolicies: entitlement.policies,
        environmentIds: entitlement.environmentIds,
        rolePolicies: [],
        rateLimitPerMinute: null,
        environment: null,
        session: { id: session.id, method: session.method },
      },
    };
  }

  /**
   * The live session a public route's cookie names (the routes that finish or end a sign-in), whatever its stage;
   * otherwise the refusal a key would get, counted against the client's address and audited like one: 429 while the
   * address is blocked, else 401.
   */
  async proven(token: string, ip: string): Promise<LiveSession> {
    const wait = await this.throttle.ipBlockedFor(ip);
    if (wait > 0) throw tooManyFailures(wait);
    const live = await this.live(token);
    if (!('refused' in live)) return live;
    const { retryAfterSeconds } = await this.throttle.recordFailure(ip, null);
    this.audit.recordFailedAuthentication({ apiKey: null, key: null, ip, reason: live.refused, status: retryAfterSeconds > 0 ? 429 : 401 });
    throw retryAfterSeconds > 0 ? tooManyFailures(retryAfterSeconds) : AppError.invalidCredentials();
  }

  /**
   * The session a token names, still within its lifetimes and of a user who is enabled, at whatever stage; a
   * refusal otherwise (an expired session, or one of a user disabled or gone, is ended). Touches the session.
   */
  async live(token: string): Promise<LiveSession | { refused: SessionRefusal }> {
    if (!token) return { refused: AuthFailureReason.SessionUnknown };
    const tokenHash = this.tokenHash(token);
    let session = await this.cache.get(tokenHash);
    if (!session) {
      session = await this.sessions.findByTokenHash(tokenHash);
      if (session) await this.cache.set(session);
    }
    if (!session) return { refused: AuthFailureReason.SessionUnknown };
    const now = Date.now();
    if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + this.idleMs <= now) {
      await this.endSessions(session.accountId, { id: session.id });
      return { refused: AuthFailureReason.SessionExpired };
    }
    const user = await this.users.findById(session.accountId, session.userId);
    if (!user || !user.enabled) {
      await this.endSessions(session.accountId, { id: session.id });
      return { refused: AuthFailureReason.UserUnavailable };
    }
    if (session.lastSeenAt.getTime() + TOUCH_INTERVAL_MS <= now) {
      session.lastSeenAt = new Date(now);
      await this.sessions.touch(session.accountId, session.id, session.lastSeenAt);
      await this.cache.set(session);
    }
    return { session, user };
  }

  /**
   * Applies the account's policy as it is now to a session that began under another: SSO required ends password
   * sessions (a master admin's break-glass session stays while they are a master admin), and two-factor required
   * sends a session whose user has no second factor back to enrollment.
   */
  async narrowedByPolicy(session: UserSessionEntity, user: UserEntity): Promise<SessionRefusal | null> {
    if (session.method === 'saml') return null;
    const policy = await this.policies.of(session.accountId);
    if (policy.ssoRequired && (session.method === 'password' || user.role !== 'master_admin')) {
      await this.endSessions(session.accountId, { id: session.id });
      return AuthFailureReason.PolicyChanged;
    }
    // What counts is that this session proved a second factor: one opened with the password alone (before the
    // policy, or before its user enrolled elsewhere) proves it now, or enrolls one.
    if (policy.twoFactor === 'required' && !session.secondFactorAt) {
      const credential = await this.credentials.find(session.accountId, user.id);
      await this.setStage(session, credential?.totpEnabledAt ? 'second_factor' : 'enrollment');
      return AuthFailureReason.SignInIncomplete;
    }
    return null;
  }

  /** Sends a session back to a stage of its sign-in. */
  async setStage(session: UserSessionEntity, stage: Exclude<SessionStage, 'full'>): Promise<void> {
    await this.sessions.setStage(session.accountId, session.id, stage);
    session.stage = stage;
    await this.cache.forget([session.tokenHash]);
  }

  /** The session proved a second factor (a code, or one it enrolled): it is complete, whatever the policy becomes. */
  async provedSecondFactor(session: Pick<UserSessionEntity, 'accountId' | 'id' | 'tokenHash'>): Promise<void> {
    await this.sessions.setStage(session.accountId, session.id, 'full', new Date());
    await this.cache.forget([session.tokenHash]);
  }

  /** provedSecondFactor for the session a principal acts through (My Profile's enrollment). */
  async provedSecondFactorIn(accountId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.findById(accountId, sessionId);
    if (session) await this.provedSecondFactor(session);
  }

  async listOfUser(accountId: string, userId: string, currentId: string | null): Promise<SessionListDto> {
    const rows = await this.sessions.listOfUser(accountId, userId);
    const now = Date.now();
    const live = rows.filter((s) => s.expiresAt.getTime() > now && s.lastSeenAt.getTime() + this.idleMs > now);
    return { sessions: live.map((s) => this.toDto(s, currentId)) };
  }

  /** Ends one session of a user; 404 when the user has no such session. */
  async endOne(accountId: string, userId: string, id: string): Promise<void> {
    const session = await this.sessions.findById(accountId, id);
    if (!session || session.userId !== userId) throw AppError.notFound('Session', id);
    await this.endSessions(accountId, { id });
  }

  /** Ends every session of a user, or every one but `exceptId` (a password change keeps the session that made it). */
  async endAllOfUser(accountId: string, userId: string, exceptId?: string): Promise<number> {
    return (await this.endSessions(accountId, { userId, exceptId })).length;
  }

  /** Another user's sessions, for whoever may read them: 404 for a user the account lacks. */
  async listOfUserChecked(caller: Principal, userId: string): Promise<SessionListDto> {
    if (!(await this.users.findById(caller.accountId, userId))) throw AppError.notFound('User', userId);
    return this.listOfUser(caller.accountId, userId, caller.session?.id ?? null);
  }

  /** Ends another user's sessions (one, or all), under the grant invariant: never those of a user who holds more. */
  async endOfUserChecked(caller: Principal, userId: string, sessionId?: string): Promise<void> {
    const accountId = caller.accountId;
    const ended = await this.accounts.run(accountId, async (manager) => {
      if (!(await this.users.findById(accountId, userId, manager))) throw AppError.notFound('User', userId);
      return this.grants.change(manager, caller, { subjects: [{ user: userId }], widens: false }, async () => {
        if (sessionId !== undefined) {
          const session = await this.sessions.findById(accountId, sessionId);
          if (!session || session.userId !== userId) throw AppError.notFound('Session', sessionId);
        }
        return this.sessions.delete(accountId, sessionId !== undefined ? { id: sessionId } : { userId }, manager);
      });
    });
    await this.cache.forget(ended);
  }

  private async endSessions(accountId: string, where: { id?: string; userId?: string; exceptId?: string }): Promise<string[]> {
    const ended = await this.sessions.delete(accountId, where);
    await this.cache.forget(ended);
    if (ended.length) this.logger.debug(`Ended ${ended.length} session(s) of account ${accountId}`);
    return ended;
  }

  tokenHash(token: string): string {
    return this.hasher.hash(`session:${token}`);
  }

  toDto(s: UserSessionEntity, currentId: string | null): SessionDto {
    return {
      id: s.id,
      method: s.method,
      ip: s.ip,
      user_agent: s.userAgent,
      created_at: isoSeconds(s.createdAt),
      last_seen_at: isoSeconds(s.lastSeenAt),
      expires_at: isoSeconds(new Date(Math.min(s.expiresAt.getTime(), s.lastSeenAt.getTime() + this.idleMs))),
      current: s.id === currentId,
    };
  }
}

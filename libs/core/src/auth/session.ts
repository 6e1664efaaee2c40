import { AppError, ErrorCode } from '../errors/app-error.js';
import type { AuthFailureReason } from './auth-failure.js';
import type { Principal } from './principal.js';

/**
 * How a person's session began: a password, the account's SAML identity provider, or a master admin's break-glass
 * password while SSO is required.
 */
export const SIGN_IN_METHODS = ['password', 'saml', 'break_glass'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** A principal that is a person signed in to the console, rather than a key. */
export interface SessionRef {
  id: string;
  method: SignInMethod;
}

/** The cookie that carries a console session's id. Path-scoped to the API, HttpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'castellan_session';

/**
 * The header a session's state changes must carry, which the console sends on every call: a cross-site form cannot
 * set a header, and a cross-site script cannot send one without a CORS preflight, which Castellan never grants.
 */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_HEADER_VALUE = 'XMLHttpRequest';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 403 for a state change that lacks the CSRF header; reads pass, since a cross-site page cannot read their answers. */
export function requireCsrfHeader(request: Pick<SessionRequest, 'method' | 'headers'>): void {
  if (SAFE_METHODS.has(request.method.toUpperCase()) || request.headers[CSRF_HEADER] === CSRF_HEADER_VALUE) return;
  throw new AppError(
    ErrorCode.NotAllowed,
    `A change made with a session cookie must carry the header ${CSRF_HEADER}: ${CSRF_HEADER_VALUE} (cross-site request forgery defence)`,
  );
}

/** What the session authenticator reads of a request. */
export interface SessionRequest {
  method: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Why a session cookie authenticated nobody, for the audit log: the caller is told 401 only. */
export type SessionRefusal =
  | AuthFailureReason.SessionUnknown
  | AuthFailureReason.SessionExpired
  | AuthFailureReason.SignInIncomplete
  | AuthFailureReason.PolicyChanged
  | AuthFailureReason.UserUnavailable;

/**
 * Authenticates the console session a request's cookie names: its user's principal, acting with exactly the user's
 * privileges. Implemented by libs/sign-in; defined here so that the global guard (libs/credentials) can accept
 * sessions without depending on it.
 */
export interface SessionAuthenticator {
  /** The session id the request's cookie carries, or null when it carries none (the guard then asks for Basic). */
  presented(request: SessionRequest): string | null;
  /**
   * The session's principal; a refusal when the session is unknown, expired, not yet through its second factor or
   * enrollment, or its user is disabled or gone (the session is then ended). A state change without the CSRF header
   * throws 403 instead: the session is fine, the request is not.
   */
  authenticate(
    request: SessionRequest,
    sessionId: string,
  ): Promise<{ principal: Principal & { session: SessionRef } } | { refused: SessionRefusal }>;
}

/** Injection token for the SessionAuthenticator, provided by the sign-in module. */
export const SESSION_AUTHENTICATOR = Symbol('SESSION_AUTHENTICATOR');

/** Whether a principal is a person's console session rather than a key. */
export const isSession = (principal: Principal): principal is Principal & { session: SessionRef } => principal.session !== undefined;

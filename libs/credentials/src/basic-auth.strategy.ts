import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import passportHttp from 'passport-http';
import { AppError, ErrorCode, Principal } from '@castellan/core';
import { CredentialVerifier, Verification } from './credential-verifier.js';

/** What the guard leaves on a request: the principal, or the reason it was refused, for the access guard to record and throttle. */
export interface AuthenticatingRequest {
  ip: string;
  headers?: Record<string, string | string[] | undefined>;
  user?: Principal;
  authInfo?: unknown;
  authFailure?: Extract<Verification, { failure: unknown }>;
}

/**
 * The user-id and password of a Basic Authorization header, or null when it is not one. RFC 7617: the user-id
 * holds no colon, and the password is everything after the first one (colons included).
 */
export function basicCredentials(authorization: string | string[] | undefined): { userId: string; password: string | null } | null {
  const match = typeof authorization === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator < 0
    ? { userId: decoded, password: null }
    : { userId: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

/** Each application's own Passport, by strategy: see BasicAuthStrategy. */
const passports = new WeakMap<object, passport.Authenticator>();

/**
 * Checks Basic credentials with the verifier. @nestjs/passport registers a strategy with the Passport that
 * getPassportInstance() returns, by default passport's one per process: there, the application made last
 * verified the keys of every application of the process, with its verifier and its key cache, which the changes
 * made through the others did not drop (the tests run several instances in one process). Each strategy, one per
 * application, has a Passport of its own instead.
 */
@Injectable()
export class BasicAuthStrategy extends PassportStrategy(passportHttp.BasicStrategy, 'basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super({ passReqToCallback: true });
  }

  /** Called by @nestjs/passport while the strategy is constructed, so it cannot rely on fields. */
  getPassportInstance(): passport.Authenticator {
    let own = passports.get(this);
    if (!own) passports.set(this, (own = new passport.Passport()));
    return own;
  }

  /**
   * passport-http splits the credentials on every colon and passes the part between the first two as the secret,
   * so `KEY:SECRET:anything` would authenticate as `KEY:SECRET`: the secret is read from the header again, whole.
   */
  async validate(request: AuthenticatingRequest, apiKey: string, secret: string): Promise<Principal> {
    const whole = basicCredentials(request.headers?.['authorization'])?.password ?? secret;
    const verification = await this.verifier.verify(apiKey, whole, request.ip);
    if ('principal' in verification) return verification.principal;
    request.authFailure = verification;
    throw AppError.invalidCredentials();
  }
}

/**
 * Passport's Basic check, answering every failure with the same 401 so nothing is learned from it; but a key
 * store that cannot be read is the server's failure, not the caller's: 503. @nestjs/passport's AuthGuard
 * authenticates with the process-wide Passport only, so this guard asks the strategy's own.
 */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(private readonly strategy: BasicAuthStrategy) {}

  /** Sets request.user to the key's principal, or throws the refusal. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatingRequest>();
    request.user = await new Promise<Principal>((resolve, reject) => {
      const answer = (error: unknown, principal: Principal | false | undefined) => {
        try {
          resolve(this.handleRequest(error, principal));
        } catch (refusal) {
          reject(refusal);
        }
      };
      const authenticate = this.strategy
        .getPassportInstance()
        .authenticate('basic', { session: false }, (error: unknown, principal: Principal | false, info: unknown) => {
          request.authInfo = info;
          answer(error, principal);
        }) as (request: unknown, response: unknown, next: (error?: unknown) => void) => void;
      // Passport calls next only for an error of its own: with a callback, every outcome of the strategy goes there.
      authenticate(request, http.getResponse(), (error) => answer(error ?? null, false));
    });
    return true;
  }

  private handleRequest(error: unknown, principal: Principal | false | undefined): Principal {
    if (error instanceof AppError && error.code === ErrorCode.Unavailable) throw error;
    if (error || !principal) throw AppError.invalidCredentials();
    return principal;
  }
}

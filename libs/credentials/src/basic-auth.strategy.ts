import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import passportHttp from 'passport-http';
import { AppError, ErrorCode, Principal } from '@castellan/core';
import { CredentialVerifier, Verification } from './credential-verifier.js';

/** What the strategy leaves on a request it refused, for the guard to record and throttle. */
export interface AuthenticatingRequest {
  ip: string;
  authFailure?: Extract<Verification, { failure: unknown }>;
}

@Injectable()
export class BasicAuthStrategy extends PassportStrategy(passportHttp.BasicStrategy, 'basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super({ passReqToCallback: true });
  }

  async validate(request: AuthenticatingRequest, apiKey: string, secret: string): Promise<Principal> {
    const verification = await this.verifier.verify(apiKey, secret, request.ip);
    if ('principal' in verification) return verification.principal;
    request.authFailure = verification;
    throw AppError.invalidCredentials();
  }
}

/**
 * Passport's Basic check, answering every failure with the same 401 so nothing is learned from it; but a key
 * store that cannot be read is the server's failure, not the caller's: 503.
 */
@Injectable()
export class BasicAuthGuard extends AuthGuard('basic') {
  override handleRequest<T>(error: unknown, principal: T | false): T {
    if (error instanceof AppError && error.code === ErrorCode.Unavailable) throw error;
    if (error || !principal) throw AppError.invalidCredentials();
    return principal;
  }
}

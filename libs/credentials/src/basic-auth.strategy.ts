import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import passportHttp from 'passport-http';
import { AppError, Principal } from '@castellan/core';
import { CredentialVerifier } from './credential-verifier.js';

@Injectable()
export class BasicAuthStrategy extends PassportStrategy(passportHttp.BasicStrategy, 'basic') {
  constructor(private readonly verifier: CredentialVerifier) {
    super();
  }

  async validate(apiKey: string, secret: string): Promise<Principal> {
    const principal = await this.verifier.verify(apiKey, secret);
    if (!principal) throw AppError.invalidCredentials();
    return principal;
  }
}

/** Passport's Basic check, answering every failure with the same 401 so nothing is learned from it. */
@Injectable()
export class BasicAuthGuard extends AuthGuard('basic') {
  override handleRequest<T>(error: unknown, principal: T | false): T {
    if (error || !principal) throw AppError.invalidCredentials();
    return principal;
  }
}

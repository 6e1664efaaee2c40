import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SESSION_AUTHENTICATOR } from '@castellan/core';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { UsersModule } from '@castellan/people';
import { SecurityModule } from '@castellan/security';
import { ThrottlingModule } from '@castellan/throttling';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { UserCredentialEntity } from '../passwords/user-credential.entity.js';
import { UserCredentialRepository } from '../passwords/user-credential.repository.js';
import { SessionCache } from './session-cache.js';
import { SessionCookies } from './session-cookies.js';
import { SessionController, UserSessionController } from './session.controller.js';
import { SessionService } from './session.service.js';
import { SignInService } from './sign-in.service.js';
import { UserSessionEntity } from './user-session.entity.js';
import { UserSessionRepository } from './user-session.repository.js';

/**
 * Console sessions and password sign-in. Global only for SESSION_AUTHENTICATOR, which the global guard
 * (libs/credentials) needs without depending on this library; the rest of libs/sign-in imports it.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserSessionEntity, UserCredentialEntity]),
    AccountsModule,
    CredentialsModule,
    UsersModule,
    SecurityModule,
    ThrottlingModule,
  ],
  controllers: [SessionController, UserSessionController],
  providers: [
    UserSessionRepository,
    UserCredentialRepository,
    PasswordHasher,
    SessionCache,
    SessionService,
    SessionCookies,
    SignInService,
    { provide: SESSION_AUTHENTICATOR, useExisting: SessionService },
  ],
  exports: [SESSION_AUTHENTICATOR, SessionService, SessionCookies, SignInService, UserCredentialRepository, PasswordHasher],
})
export class SessionsModule {}

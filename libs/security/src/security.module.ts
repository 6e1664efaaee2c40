import { Global, Module } from '@nestjs/common';
import { ACCOUNT_KEY_POLICY } from '@castellan/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { UsersModule } from '@castellan/people';
import { ThrottlingModule } from '@castellan/throttling';
import { Mailer } from './mail/mailer.js';
import { AccountSecurityEntity } from './settings/account-security.entity.js';
import { AccountAllowlistPartModule } from './settings/account-allowlist.part.js';
import { AccountKeyPolicyService } from './settings/account-key-policy.service.js';
import { AccountSecurityRepository } from './settings/account-security.repository.js';
import { SecurityService } from './settings/security.service.js';
import { VerificationCodeEntity } from './verification/verification-code.entity.js';
import { VerificationCodeRepository } from './verification/verification-code.repository.js';
import { VerificationCodeService } from './verification/verification-code.service.js';

export const SECURITY_ENTITIES = [AccountSecurityEntity, VerificationCodeEntity];

/**
 * Account security settings and support verification codes. Providers only: the API app mounts the
 * controllers. Global, so that key issuing (libs/credentials) finds ACCOUNT_KEY_POLICY without
 * depending on security.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature(SECURITY_ENTITIES),
    AccountsModule,
    CredentialsModule,
    UsersModule,
    ThrottlingModule,
    AccountAllowlistPartModule,
  ],
  providers: [
    AccountSecurityRepository,
    SecurityService,
    VerificationCodeRepository,
    VerificationCodeService,
    Mailer,
    AccountKeyPolicyService,
    { provide: ACCOUNT_KEY_POLICY, useExisting: AccountKeyPolicyService },
  ],
  exports: [SecurityService, VerificationCodeService, Mailer, ACCOUNT_KEY_POLICY, AccountSecurityRepository],
})
export class SecurityModule {}

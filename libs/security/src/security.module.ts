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
import { SecurityController } from './settings/security.controller.js';
import { SecurityService } from './settings/security.service.js';
import { SignInPolicies } from './settings/sign-in-policy.js';
import { VerificationCodeEntity } from './verification/verification-code.entity.js';
import { VerificationCodeRepository } from './verification/verification-code.repository.js';
import { VerificationCodeController } from './verification/verification-code.controller.js';
import { VerificationCodeService } from './verification/verification-code.service.js';

const SECURITY_ENTITIES = [AccountSecurityEntity, VerificationCodeEntity];

/**
 * Account security settings (`/security`) and support verification codes. Global only for the ports of
 * core it provides (ACCOUNT_KEY_POLICY: the cap on key lifetimes), which key issuing (libs/credentials) needs
 * without depending on security; the services libs/sign-in uses are exported to modules that import this one.
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
  controllers: [SecurityController, VerificationCodeController],
  providers: [
    AccountSecurityRepository,
    SecurityService,
    VerificationCodeRepository,
    VerificationCodeService,
    Mailer,
    AccountKeyPolicyService,
    { provide: ACCOUNT_KEY_POLICY, useExisting: AccountKeyPolicyService },
    SignInPolicies,
  ],
  // The mailer, the sign-in policy and verification codes, for libs/sign-in, which imports this module.
  exports: [ACCOUNT_KEY_POLICY, Mailer, SignInPolicies, VerificationCodeService],
})
export class SecurityModule {}

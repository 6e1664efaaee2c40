import { Global, Module } from '@nestjs/common';
import { ACCOUNT_NETWORK_POLICY } from '@castellan/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { UsersModule } from '@castellan/people';
import { Mailer } from './mail/mailer.js';
import { AccountSecurityEntity } from './settings/account-security.entity.js';
import { AccountNetworkPolicyService } from './settings/account-network-policy.js';
import { AccountSecurityRepository } from './settings/account-security.repository.js';
import { SecurityService } from './settings/security.service.js';
import { VerificationCodeEntity } from './verification/verification-code.entity.js';
import { VerificationCodeRepository } from './verification/verification-code.repository.js';
import { VerificationCodeService } from './verification/verification-code.service.js';

export const SECURITY_ENTITIES = [AccountSecurityEntity, VerificationCodeEntity];

/**
 * Account security settings and support verification codes. Providers only: the API app mounts the
 * controllers. Global, so that authentication (libs/credentials) finds ACCOUNT_NETWORK_POLICY without
 * depending on security.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(SECURITY_ENTITIES), AccountsModule, CredentialsModule, UsersModule],
  providers: [
    AccountSecurityRepository,
    SecurityService,
    VerificationCodeRepository,
    VerificationCodeService,
    Mailer,
    AccountNetworkPolicyService,
    { provide: ACCOUNT_NETWORK_POLICY, useExisting: AccountNetworkPolicyService },
  ],
  exports: [SecurityService, VerificationCodeService, Mailer, ACCOUNT_NETWORK_POLICY, AccountSecurityRepository],
})
export class SecurityModule {}

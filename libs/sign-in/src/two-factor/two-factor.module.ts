import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { UsersModule } from '@castellan/people';
import { SecurityModule } from '@castellan/security';
import { ThrottlingModule } from '@castellan/throttling';
import { SessionsModule } from '../sessions/sessions.module.js';
import { RecoveryCodeEntity } from './recovery-code.entity.js';
import { RecoveryCodeRepository } from './recovery-code.repository.js';
import { TotpSecretBox } from './totp-secret-box.js';
import { MyTwoFactorController, TwoFactorSignInController } from './two-factor.controller.js';
import { TwoFactorSignIn } from './two-factor-sign-in.service.js';
import { TwoFactorService } from './two-factor.service.js';

/** Two-factor authentication: the sign-in stages after the password, and a person's own TOTP and recovery codes. */
@Module({
  imports: [
    TypeOrmModule.forFeature([RecoveryCodeEntity]),
    SessionsModule,
    AccountsModule,
    CredentialsModule,
    UsersModule,
    SecurityModule,
    ThrottlingModule,
  ],
  controllers: [TwoFactorSignInController, MyTwoFactorController],
  providers: [RecoveryCodeRepository, TotpSecretBox, TwoFactorService, TwoFactorSignIn],
})
export class TwoFactorModule {}

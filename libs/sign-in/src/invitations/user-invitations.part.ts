import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { USER_INVITATIONS } from '@castellan/core';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { UsersModule } from '@castellan/people';
import { SecurityModule } from '@castellan/security';
import { ThrottlingModule } from '@castellan/throttling';
import { InvitationSender } from './invitation-sender.js';
import { SignInTokenEntity } from './sign-in-token.entity.js';
import { SignInTokenRepository } from './sign-in-token.repository.js';
import { SignInTokens } from './sign-in-tokens.js';

/**
 * Global for USER_INVITATIONS, which user creation (libs/people) needs without depending on this library; a
 * composition without it fails at boot. It also holds the links themselves (invitations and password resets), which
 * the rest of InvitationsModule uses: the sender needs them, and one provider of them is enough.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([SignInTokenEntity]),
    AccountsModule,
    CredentialsModule,
    UsersModule,
    SecurityModule,
    ThrottlingModule,
  ],
  providers: [SignInTokenRepository, SignInTokens, InvitationSender, { provide: USER_INVITATIONS, useExisting: InvitationSender }],
  exports: [USER_INVITATIONS, InvitationSender, SignInTokens],
})
export class UserInvitationsPartModule {}

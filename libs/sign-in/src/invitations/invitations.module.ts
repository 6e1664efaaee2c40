import { Module } from '@nestjs/common';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { UsersModule } from '@castellan/people';
import { SecurityModule } from '@castellan/security';
import { ThrottlingModule } from '@castellan/throttling';
import { PasswordController } from '../passwords/password.controller.js';
import { PasswordService } from '../passwords/password.service.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { InvitationController, UserInvitationController } from './invitation.controller.js';
import { InvitationService } from './invitation.service.js';
import { UserInvitationsPartModule } from './user-invitations.part.js';

/**
 * The links mailed to users and what they lead to: invitations (accepted, re-sent, revoked) and password resets,
 * and a signed-in person's password change, which ends the same links.
 */
@Module({
  imports: [UserInvitationsPartModule, SessionsModule, AccountsModule, CredentialsModule, UsersModule, SecurityModule, ThrottlingModule],
  controllers: [InvitationController, UserInvitationController, PasswordController],
  providers: [InvitationService, PasswordService],
})
export class InvitationsModule {}

import { Module } from '@nestjs/common';
import { InvitationsModule } from './invitations/invitations.module.js';
import { ProfileModule } from './profile/profile.module.js';
import { SamlModule } from './saml/saml.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { TwoFactorModule } from './two-factor/two-factor.module.js';

/**
 * People signing in: passwords, console sessions, second factors, invitations and password resets, SAML single
 * sign-on, and My Profile. Each part mounts its own routes and registers its own tables.
 */
@Module({
  imports: [SessionsModule, TwoFactorModule, InvitationsModule, SamlModule, ProfileModule],
})
export class SignInModule {}

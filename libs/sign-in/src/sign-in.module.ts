import { Module } from '@nestjs/common';
import { SessionsModule } from './sessions/sessions.module.js';

/**
 * People signing in: passwords, console sessions, second factors, invitations and password resets, SAML single
 * sign-on, and My Profile. Each part mounts its own routes and registers its own tables.
 */
@Module({
  imports: [SessionsModule],
})
export class SignInModule {}

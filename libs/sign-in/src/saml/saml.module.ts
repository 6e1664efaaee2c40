import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '@castellan/people';
import { SecurityModule } from '@castellan/security';
import { ThrottlingModule } from '@castellan/throttling';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SamlAssertionEntity } from './saml-assertion.entity.js';
import { SamlAssertionRepository } from './saml-assertion.repository.js';
import { SamlController } from './saml.controller.js';
import { SamlSignInService } from './saml-sign-in.service.js';

/** SAML single sign-on: each account's service provider metadata, login redirect and assertion consumer service. */
@Module({
  imports: [TypeOrmModule.forFeature([SamlAssertionEntity]), SessionsModule, UsersModule, SecurityModule, ThrottlingModule],
  controllers: [SamlController],
  providers: [SamlAssertionRepository, SamlSignInService],
})
export class SamlModule {}

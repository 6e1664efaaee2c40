import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { UsersModule } from '@castellan/people';
import { SecurityModule } from '@castellan/security';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ProfileController } from './profile.controller.js';
import { ProfileService } from './profile.service.js';
import { UserPreferencesEntity } from './user-preferences.entity.js';
import { UserPreferencesRepository } from './user-preferences.repository.js';

/** My Profile: GET and PUT /v1_1/me, and a support verification code mailed to me. */
@Module({
  imports: [TypeOrmModule.forFeature([UserPreferencesEntity]), SessionsModule, AccountsModule, UsersModule, SecurityModule],
  controllers: [ProfileController],
  providers: [UserPreferencesRepository, ProfileService],
})
export class ProfileModule {}

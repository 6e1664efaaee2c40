import { Module } from '@nestjs/common';
import { PeopleModule, RolesModule, UsersModule } from '@castellan/people';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { SecurityModule } from '@castellan/security';
import { AccessKeyService } from './access-key.service.js';
import { AccountApiKeyService } from './account-api-key.service.js';
import { KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { KeyRecoveryService } from './key-recovery.service.js';
import { UserApiKeyService } from './user-api-key.service.js';

/**
 * Imports what its services need explicitly (people for user privileges, security for the cap on key
 * lifetimes), so that the CLI, which loads no HTTP modules, can load it on its own.
 */
@Module({
  imports: [CredentialsModule, AccountsModule, EnvironmentsModule, UsersModule, RolesModule, PeopleModule, SecurityModule],
  providers: [KeyManager, AccessKeyService, AccountApiKeyService, KeyPermissionsService, UserApiKeyService, KeyRecoveryService],
  exports: [AccessKeyService, AccountApiKeyService, UserApiKeyService, KeyRecoveryService],
})
export class AccessKeysModule {}

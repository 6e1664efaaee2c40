import { Module } from '@nestjs/common';
import { RolesModule, UsersModule } from '@castellan/people';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { AccessKeyService } from './access-key.service.js';
import { AccountApiKeyService } from './account-api-key.service.js';
import { KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { UserApiKeyService } from './user-api-key.service.js';

@Module({
  imports: [CredentialsModule, AccountsModule, EnvironmentsModule, UsersModule, RolesModule],
  providers: [KeyManager, AccessKeyService, AccountApiKeyService, KeyPermissionsService, UserApiKeyService],
  exports: [AccessKeyService, AccountApiKeyService, UserApiKeyService],
})
export class AccessKeysModule {}

import { Module } from '@nestjs/common';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { AccessKeyService } from './access-key.service.js';
import { AccountApiKeyService } from './account-api-key.service.js';
import { KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';

@Module({
  imports: [CredentialsModule, AccountsModule, EnvironmentsModule],
  providers: [KeyManager, AccessKeyService, AccountApiKeyService, KeyPermissionsService],
  exports: [AccessKeyService, AccountApiKeyService],
})
export class AccessKeysModule {}

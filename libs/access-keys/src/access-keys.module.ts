import { Module } from '@nestjs/common';
import { RolesModule, UsersModule } from '@castellan/people';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { AccessKeyController } from './access-key.controller.js';
import { AccountApiKeyController } from './account-api-key.controller.js';
import { UserApiKeyController } from './user-api-key.controller.js';
import { AccessKeyService } from './access-key.service.js';
import { AccountApiKeyService } from './account-api-key.service.js';
import { KeyManager } from './key-manager.js';
import { KeyPermissionsService } from './key-permissions.service.js';
import { KeyRecoveryService } from './key-recovery.service.js';
import { UserApiKeyService } from './user-api-key.service.js';

/**
 * Environment access keys, account API keys and user API keys: their routes and their lifecycle. Key issuing
 * also needs the ports people (USER_PRIVILEGES) and security (ACCOUNT_KEY_POLICY) provide; they are required
 * injections, so a composition without those modules fails at boot instead of issuing keys without them.
 */
@Module({
  imports: [CredentialsModule, AccountsModule, EnvironmentsModule, UsersModule, RolesModule],
  controllers: [AccessKeyController, AccountApiKeyController, UserApiKeyController],
  providers: [KeyManager, AccessKeyService, AccountApiKeyService, KeyPermissionsService, UserApiKeyService, KeyRecoveryService],
  exports: [AccessKeyService, AccountApiKeyService, UserApiKeyService, KeyRecoveryService],
})
export class AccessKeysModule {}

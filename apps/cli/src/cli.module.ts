import { DynamicModule, Module } from '@nestjs/common';
import { AccessKeysModule } from '@castellan/access-keys';
import { AccountsModule } from '@castellan/accounts';
import { AppConfig, ChangesModule, ConfigModule } from '@castellan/core';
import { DatabaseModule } from '@castellan/database';
import { BUILTIN_PLUGINS, PermissionsModule } from '@castellan/permissions';
import { ENTITIES } from '../../api/src/entities.js';

/** The same modules as the API, without HTTP: the CLI acts through the services, never around them. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), ChangesModule, DatabaseModule.forRoot(ENTITIES), PermissionsModule.forRoot({ plugins: BUILTIN_PLUGINS }), AccountsModule, AccessKeysModule] };
  }
}

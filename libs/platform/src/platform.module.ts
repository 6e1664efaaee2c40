import { DynamicModule, Module } from '@nestjs/common';
import { AccessKeysModule } from '@castellan/access-keys';
import { AccountsModule } from '@castellan/accounts';
import { AuditModule } from '@castellan/audit';
import { AppConfig, ChangesModule, ConfigModule } from '@castellan/core';
import { DatabaseModule } from '@castellan/database';
import { DecisionsModule } from '@castellan/decisions';
import { EnvironmentsModule } from '@castellan/environments';
import { KeyUsageModule } from '@castellan/key-usage';
import { LeaksModule } from '@castellan/leaks';
import { PeopleModule } from '@castellan/people';
import { PermissionPlugin, PermissionsModule } from '@castellan/permissions';
import { SecurityModule } from '@castellan/security';
import { SignInModule } from '@castellan/sign-in';

/** Every feature module, each mounting its own routes and registering its own tables. */
export const FEATURE_MODULES = [
  AccountsModule,
  EnvironmentsModule,
  AccessKeysModule,
  DecisionsModule,
  PeopleModule,
  SecurityModule,
  SignInModule,
  AuditModule,
  LeaksModule,
  KeyUsageModule,
];

/**
 * Castellan, composed once: the infrastructure (configuration, database, permission engine, change observers)
 * and every feature module, each of which mounts its own routes and registers its own tables. The API app serves
 * it over HTTP; the CLI runs the same services without listening, so both act through exactly the same code.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, plugins: PermissionPlugin[]): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        ChangesModule,
        DatabaseModule.forRoot(),
        PermissionsModule.forRoot({ plugins }),
        ...FEATURE_MODULES,
      ],
    };
  }
}

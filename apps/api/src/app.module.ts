import { DynamicModule, Module } from '@nestjs/common';
import { AccessKeyController, AccessKeysModule, AccountApiKeyController, UserApiKeyController } from '@castellan/access-keys';
import { AccountController, AccountsModule } from '@castellan/accounts';
import { AuditController, AuditModule } from '@castellan/audit';
import { AppConfig, ChangesModule, ConfigModule } from '@castellan/core';
import { DecisionController, DecisionsModule, SimulationController } from '@castellan/decisions';
import { DatabaseModule } from '@castellan/database';
import { EnvironmentController, EnvironmentsModule } from '@castellan/environments';
import { AccessKeyUsageController, AccountApiKeyUsageController, KeyUsageModule } from '@castellan/key-usage';
import { LeakController, LeaksModule } from '@castellan/leaks';
import { PeopleModule } from '@castellan/people';
import { PermissionPlugin, PermissionsModule } from '@castellan/permissions';
import { SecurityController, SecurityModule, VerificationCodeController } from '@castellan/security';
import { ENTITIES } from './entities.js';
import { HealthController } from './health.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, plugins: PermissionPlugin[]): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ChangesModule,
        DatabaseModule.forRoot(ENTITIES),
        PermissionsModule.forRoot({ plugins }),
        AccountsModule,
        EnvironmentsModule,
        AccessKeysModule,
        DecisionsModule,
        PeopleModule,
        SecurityModule,
        AuditModule,
        LeaksModule,
        KeyUsageModule,
      ],
      controllers: [
        HealthController,
        AccountController,
        AccountApiKeyController,
        AccountApiKeyUsageController,
        EnvironmentController,
        AccessKeyController,
        AccessKeyUsageController,
        UserApiKeyController,
        DecisionController,
        SimulationController,
        SecurityController,
        VerificationCodeController,
        AuditController,
        LeakController,
      ],
    };
  }
}

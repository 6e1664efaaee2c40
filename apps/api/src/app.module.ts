import { DynamicModule, Module } from '@nestjs/common';
import { AccessKeyController, AccessKeysModule, AccountApiKeyController } from '@castellan/access-keys';
import { AccountController, AccountsModule } from '@castellan/accounts';
import { AppConfig, ConfigModule } from '@castellan/core';
import { DatabaseModule } from '@castellan/database';
import { EnvironmentController, EnvironmentsModule } from '@castellan/environments';
import { ENTITIES } from './entities.js';
import { HealthController } from './health.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), AccountsModule, EnvironmentsModule, AccessKeysModule],
      controllers: [HealthController, AccountController, AccountApiKeyController, EnvironmentController, AccessKeyController],
    };
  }
}

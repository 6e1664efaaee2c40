import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@castellan/core';
import { PermissionPlugin } from '@castellan/permissions';
import { PlatformModule } from '@castellan/platform';
import { HealthController } from './health.controller.js';

/** The HTTP server: Castellan's modules, which mount their own routes, and the server's own health check. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, plugins: PermissionPlugin[]): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot(config, plugins)], controllers: [HealthController] };
  }
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { PermissionCatalog } from './catalog.js';
import type { PermissionPlugin } from './permission-plugin.js';
import { PolicyCompiler } from './policy-compiler.js';

/** Global: the catalogue and compiler are needed by the guard and by every module that manages keys. */
@Global()
@Module({})
export class PermissionsModule {
  static forRoot(options: { plugins: PermissionPlugin[] }): DynamicModule {
    return {
      module: PermissionsModule,
      providers: [{ provide: PermissionCatalog, useValue: new PermissionCatalog(options.plugins) }, PolicyCompiler],
      exports: [PermissionCatalog, PolicyCompiler],
    };
  }
}

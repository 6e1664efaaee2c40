import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, ReplicaReader, TransactionRunner } from '@castellan/core';
import { dataSourceOptions } from './data-source-options.js';
import { DatabaseGuard } from './database-guard.js';

@Global()
@Module({})
export class DatabaseModule {
  /**
   * Each feature module registers its own tables (TypeOrmModule.forFeature), so that this library imports no
   * module and no composition keeps a list of every entity.
   */
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database, [], config.databaseTimeoutMs),
            autoLoadEntities: true,
          }),
        }),
      ],
      providers: [TransactionRunner, ReplicaReader, DatabaseGuard],
      exports: [TransactionRunner, ReplicaReader, DatabaseGuard],
    };
  }
}

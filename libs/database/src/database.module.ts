import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, ReplicaReader, TransactionRunner } from '@castellan/core';
import { dataSourceOptions, EntityList } from './data-source-options.js';
import { DatabaseGuard } from './database-guard.js';

@Global()
@Module({})
export class DatabaseModule {
  /** The entity list is given by the app that composes the modules, so this library imports no module. */
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => dataSourceOptions(config.database, entities, config.databaseTimeoutMs),
        }),
      ],
      providers: [TransactionRunner, ReplicaReader, DatabaseGuard],
      exports: [TransactionRunner, ReplicaReader, DatabaseGuard],
    };
  }
}

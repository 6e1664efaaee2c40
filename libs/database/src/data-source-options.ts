import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import type { DatabaseConfig } from '@castellan/core';
import { MIGRATIONS } from './migrations/index.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

export function dataSourceOptions(database: DatabaseConfig, entities: EntityList): DataSourceOptions {
  const common = { entities, migrations: MIGRATIONS, migrationsTableName: 'castellan_migrations', synchronize: false } as const;
  if (database.driver === 'sqlite') {
    if (database.path !== ':memory:') mkdirSync(dirname(database.path), { recursive: true });
    // WAL lets the operator CLI write while the server holds the file open; the timeout waits out its lock.
    return { ...common, type: 'better-sqlite3', database: database.path, enableWAL: true, timeout: 10000 };
  }
  return {
    ...common,
    type: 'mysql',
    host: database.host,
    port: database.port,
    username: database.username,
    password: database.password,
    database: database.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    extra: { connectionLimit: 10 },
  };
}

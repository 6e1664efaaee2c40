import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import type { DatabaseConfig, MysqlServer } from '@castellan/core';
import { MIGRATIONS } from './migrations/index.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

/** `timeoutMs` (DATABASE_TIMEOUT_MS) bounds connecting and, on SQLite, waiting for another process's lock. */
export function dataSourceOptions(database: DatabaseConfig, entities: EntityList, timeoutMs: number): DataSourceOptions {
  const common = { entities, migrations: MIGRATIONS, migrationsTableName: 'castellan_migrations', synchronize: false } as const;
  if (database.driver === 'sqlite') {
    if (database.path !== ':memory:') mkdirSync(dirname(database.path), { recursive: true });
    // WAL lets the operator CLI write while the server holds the file open; the timeout waits out its lock.
    return { ...common, type: 'better-sqlite3', database: database.path, enableWAL: true, timeout: timeoutMs };
  }
  const server = ({ host, port, username, password, database: name }: MysqlServer) => ({ host, port, username, password, database: name });
  const servers =
    database.replicas.length === 0
      ? server(database)
      : {
          replication: {
            master: server(database),
            slaves: database.replicas.map(server),
            // Every read stays on the primary unless its caller asks for a replica (ReplicaReader).
            defaultMode: 'master',
            // A server that failed five connection attempts in a row is tried again a second later. The
            // driver's default, 0, would drop it for good, and the primary with it: no recovery without a restart.
            restoreNodeTimeout: 1000,
          } as const,
        };
  return {
    ...common,
    type: 'mysql',
    ...servers,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // A server that accepts the connection but never greets (stopped, overloaded) must not hold it longer.
    connectTimeout: timeoutMs,
    // Per server: the primary and each replica have a pool of their own.
    extra: { connectionLimit: 10 },
  };
}

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig, MysqlServer } from '@castellan/core';
import { dataSourceOptions } from './data-source-options.js';
import { MIGRATIONS } from './migrations/index.js';

// What TypeORM is given for each DATABASE_URL: the driver's options, the migrations, and nothing it would
// otherwise decide by itself (synchronising the schema, the driver's own idea of a replica that failed).

const server = (host: string, password = 'p@ss:/word'): MysqlServer => ({
  url: `mysql://castellan:${encodeURIComponent(password)}@${host}:3306/castellan`,
  host,
  port: 3306,
  username: 'castellan',
  password,
  database: 'castellan',
});

const mysql = (replicas: MysqlServer[] = []): DatabaseConfig => ({ driver: 'mysql', ...server('db.internal'), replicas });

class Entity {}

describe('dataSourceOptions: SQLite', () => {
  test('an in-memory database: WAL, the lock wait bounded by the timeout, the migrations, no synchronising', () => {
    expect(dataSourceOptions({ driver: 'sqlite', path: ':memory:' }, [Entity], 2500)).toEqual({
      type: 'better-sqlite3',
      database: ':memory:',
      enableWAL: true,
      timeout: 2500,
      entities: [Entity],
      migrations: MIGRATIONS,
      migrationsTableName: 'castellan_migrations',
      synchronize: false,
    });
  });

  test("a file's directory is made if it is missing, however deep", () => {
    const root = mkdtempSync(join(tmpdir(), 'castellan-options-'));
    try {
      const path = join(root, 'a', 'b', 'castellan.sqlite');
      expect(dataSourceOptions({ driver: 'sqlite', path }, [], 1000)).toMatchObject({ database: path });
      expect(existsSync(join(root, 'a', 'b'))).toBe(true);
      expect(existsSync(path)).toBe(false);
      // Again, with the directory there already.
      expect(() => dataSourceOptions({ driver: 'sqlite', path }, [], 1000)).not.toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('dataSourceOptions: MySQL', () => {
  test('one server: its connection fields, utf8mb4, UTC, the connect timeout and a pool of 10', () => {
    const options = dataSourceOptions(mysql(), [Entity], 5000);
    expect(options).toEqual({
      type: 'mysql',
      host: 'db.internal',
      port: 3306,
      username: 'castellan',
      password: 'p@ss:/word',
      database: 'castellan',
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      connectTimeout: 5000,
      extra: { connectionLimit: 10 },
      entities: [Entity],
      migrations: MIGRATIONS,
      migrationsTableName: 'castellan_migrations',
      synchronize: false,
    });
  });

  test('the URL is not passed on: TypeORM would take it over the fields, and it holds the password in the clear', () => {
    const options = dataSourceOptions(mysql([server('replica1')]), [], 5000) as unknown as Record<string, unknown>;
    expect(JSON.stringify(options)).not.toContain('mysql://');
    expect('url' in options).toBe(false);
  });

  test('replicas: the primary as master, each replica as a slave, reads on the primary unless asked, failed nodes retried', () => {
    const options = dataSourceOptions(mysql([server('replica1', 'r1'), server('replica2', 'r2')]), [], 5000) as unknown as Record<
      string,
      unknown
    >;
    expect(options.replication).toEqual({
      master: { host: 'db.internal', port: 3306, username: 'castellan', password: 'p@ss:/word', database: 'castellan' },
      slaves: [
        { host: 'replica1', port: 3306, username: 'castellan', password: 'r1', database: 'castellan' },
        { host: 'replica2', port: 3306, username: 'castellan', password: 'r2', database: 'castellan' },
      ],
      defaultMode: 'master',
      restoreNodeTimeout: 1000,
    });
    // With replication, the connection fields live only there.
    for (const field of ['host', 'port', 'username', 'password', 'database']) expect(field in options).toBe(false);
    expect(options).toMatchObject({
      type: 'mysql',
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      connectTimeout: 5000,
      extra: { connectionLimit: 10 },
    });
  });
});

import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMetadataArgsStorage, Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { uniquenessKey } from '@castellan/core';
import { MIGRATIONS } from './index.js';
import { UnicodeNames1732700000000 } from './1732700000000-unicode-names.js';

// The migrations against a stand-in query runner that keeps a model of the schema (tables, columns, indexes),
// on each driver: each `down` undoes its `up`, every name fits MySQL's identifiers, and the schema they build
// holds every column the entities map. No database: what is checked is what the migrations ask for.

type Driver = 'mysql' | 'better-sqlite3';

interface Column {
  type: string;
  length?: number;
  nullable: boolean;
}

class Schema {
  readonly tables = new Map<string, Map<string, Column>>();
  /** `table.index` */
  readonly indexes = new Set<string>();
  readonly names: string[] = [];

  snapshot(): string {
    const tables = [...this.tables].map(([name, columns]) => [name, [...columns].sort()]).sort();
    return JSON.stringify([tables, [...this.indexes].sort()]);
  }

  columns(table: string): Map<string, Column> {
    const columns = this.tables.get(table);
    if (!columns) throw new Error(`no table ${table}`);
    return columns;
  }

  addColumn(table: string, name: string, column: Column): void {
    if (this.columns(table).has(name)) throw new Error(`column ${table}.${name} exists already`);
    this.columns(table).set(name, column);
    this.names.push(name);
  }

  dropColumn(table: string, name: string): void {
    if (!this.columns(table).delete(name)) throw new Error(`no column ${table}.${name} to drop`);
  }

  addIndex(table: string, name: string | undefined): void {
    if (!name) throw new Error(`an index of ${table} without a name: the driver would make one up, which down() cannot name`);
    this.columns(table);
    if (this.indexes.has(`${table}.${name}`)) throw new Error(`index ${table}.${name} exists already`);
    this.indexes.add(`${table}.${name}`);
    this.names.push(name);
  }

  dropIndex(table: string, name: string): void {
    if (!this.indexes.delete(`${table}.${name}`)) throw new Error(`no index ${table}.${name} to drop`);
  }
}

/** A QueryRunner as far as the migrations use one; `rows` answers their SELECTs. */
function runner(driver: Driver, schema: Schema, rows: (sql: string) => Record<string, unknown>[] = () => []) {
  const queries: { sql: string; parameters?: unknown[] }[] = [];
  const tableOf = (table: Table | string) => (typeof table === 'string' ? table : table.name);
  const q = {
    connection: { driver: { options: { type: driver } } },
    async createTable(table: Table) {
      if (schema.tables.has(table.name)) throw new Error(`table ${table.name} exists already`);
      schema.tables.set(table.name, new Map());
      schema.names.push(table.name);
      for (const c of table.columns) {
        schema.addColumn(table.name, c.name, { type: c.type, length: c.length ? Number(c.length) : undefined, nullable: c.isNullable });
      }
      for (const index of [...table.indices, ...table.uniques]) schema.addIndex(table.name, index.name);
      for (const fk of table.foreignKeys) {
        if (fk.name) schema.names.push(fk.name);
        if (!schema.tables.has(fk.referencedTableName))
          throw new Error(`${table.name} refers to ${fk.referencedTableName}, which is not there`);
      }
    },
    async dropTable(table: Table | string) {
      const name = tableOf(table);
      if (!schema.tables.delete(name)) throw new Error(`no table ${name} to drop`);
      for (const index of [...schema.indexes]) if (index.startsWith(`${name}.`)) schema.indexes.delete(index);
    },
    async createIndex(table: Table | string, index: TableIndex) {
      schema.addIndex(tableOf(table), index.name);
    },
    async dropIndex(table: Table | string, index: TableIndex | string) {
      schema.dropIndex(tableOf(table), typeof index === 'string' ? index : index.name!);
    },
    async query(sql: string, parameters?: unknown[]) {
      queries.push({ sql, parameters });
      let m: RegExpExecArray | null;
      if ((m = /^ALTER TABLE (\w+) ADD COLUMN (\w+) (\w+)(?:\((\d+)\))?(.*)$/.exec(sql))) {
        schema.addColumn(m[1]!, m[2]!, {
          type: m[3]!.toLowerCase(),
          length: m[4] ? Number(m[4]) : undefined,
          nullable: !/NOT NULL/.test(m[5]!),
        });
      } else if ((m = /^ALTER TABLE (\w+) DROP COLUMN (\w+)$/.exec(sql))) {
        schema.dropColumn(m[1]!, m[2]!);
      } else if ((m = /^ALTER TABLE (\w+) MODIFY (\w+) (\w+)(?:\((\d+)\))?(.*)$/.exec(sql))) {
        schema
          .columns(m[1]!)
          .set(m[2]!, { type: m[3]!.toLowerCase(), length: m[4] ? Number(m[4]) : undefined, nullable: !/NOT NULL/.test(m[5]!) });
      } else if ((m = /^CREATE INDEX (\w+) ON (\w+) \(/.exec(sql))) {
        schema.addIndex(m[2]!, m[1]!);
      } else if ((m = /^ALTER TABLE (\w+) DROP INDEX (\w+)$/.exec(sql))) {
        schema.dropIndex(m[1]!, m[2]!);
      } else if ((m = /^ALTER TABLE (\w+) ADD CONSTRAINT (\w+) UNIQUE \(/.exec(sql))) {
        schema.addIndex(m[1]!, m[2]!);
      } else if (/^SELECT /.test(sql)) {
        return rows(sql);
      } else if (!/^(UPDATE|INSERT INTO) /.test(sql)) {
        throw new Error(`the stand-in does not know this statement: ${sql}`);
      }
      return [];
    },
  };
  return { q: q as unknown as QueryRunner, queries };
}

const migrations = (): MigrationInterface[] => MIGRATIONS.map((M) => new M());

describe('MIGRATIONS', () => {
  test('are listed oldest first, each named as its class, with a timestamp of 13 digits that only grows', () => {
    const names = migrations().map((m) => m.name!);
    expect(names).toEqual(MIGRATIONS.map((M) => M.name));
    const stamps = names.map((name) => /^[A-Z][A-Za-z]+(\d{13})$/.exec(name)?.[1]);
    expect(stamps.every(Boolean)).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  test('every migration file of this directory is listed', () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const files = readdirSync(here).filter((f) => /^\d{13}-[a-z-]+\.ts$/.test(f));
    const stamps = migrations().map((m) => m.name!.slice(-13));
    expect(files.map((f) => f.slice(0, 13)).sort()).toEqual(stamps);
  });
});

describe.each<Driver>(['mysql', 'better-sqlite3'])('the migrations on %s', (driver) => {
  test('each down() takes the schema back to what it was before its up()', async () => {
    const schema = new Schema();
    for (const migration of migrations()) {
      const before = schema.snapshot();
      await migration.up(runner(driver, schema).q);
      expect(schema.snapshot()).not.toBe(before);
      await migration.down(runner(driver, schema).q);
      expect({ migration: migration.name, schema: schema.snapshot() }).toEqual({ migration: migration.name, schema: before });
      await migration.up(runner(driver, schema).q);
    }
    for (const migration of migrations().reverse()) await migration.down(runner(driver, schema).q);
    expect(schema.tables.size).toBe(0);
    expect(schema.indexes.size).toBe(0);
  });

  test("every table, column, index and key name fits MySQL's 64 characters and needs no quoting", async () => {
    const schema = new Schema();
    for (const migration of migrations()) await migration.up(runner(driver, schema).q);
    expect(schema.names.length).toBeGreaterThan(50);
    expect(schema.names.filter((name) => name.length > 64 || !/^[a-z][a-z0-9_]*$/.test(name))).toEqual([]);
  });

  /**
   * Keys added to existing tables and filled in afterwards: MySQL then makes them NOT NULL, SQLite cannot change a
   * column. The repositories set them on every insert and rename.
   */
  const SQLITE_NULLABLE = ['api_keys.name_key', 'roles.name_key', 'users.email_key'];

  test('the schema holds every column an entity maps, with its length and whether it may be null', async () => {
    const schema = new Schema();
    for (const migration of migrations()) await migration.up(runner(driver, schema).q);
    const libs = fileURLToPath(new URL('../../../', import.meta.url));
    const entityFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? e.name === 'node_modules'
            ? []
            : entityFiles(join(dir, e.name))
          : e.name.endsWith('.entity.ts')
            ? [join(dir, e.name)]
            : [],
      );
    const files = entityFiles(libs);
    expect(files.map((f) => relative(libs, f))).toContain(join('credentials', 'src', 'api-key.entity.ts'));
    for (const file of files) await import(file);

    const storage = getMetadataArgsStorage();
    const problems: string[] = [];
    const mapped = storage.tables.filter((t) => t.type === 'regular' && typeof t.target === 'function' && t.name);
    expect(mapped.length).toBeGreaterThanOrEqual(14);
    for (const table of mapped) {
      const target = table.target as new () => unknown;
      const columns = schema.tables.get(table.name!);
      if (!columns) {
        problems.push(`${table.name}: no such table`);
        continue;
      }
      const own = storage.columns.filter(
        (c) => typeof c.target === 'function' && (c.target === target || target.prototype instanceof c.target),
      );
      for (const column of own) {
        const name = column.options.name ?? column.propertyName;
        const made = columns.get(name);
        if (!made) {
          problems.push(`${table.name}.${name}: no such column`);
          continue;
        }
        if (column.options.length !== undefined && Number(column.options.length) !== made.length) {
          problems.push(`${table.name}.${name}: the entity says length ${column.options.length}, the migrations made ${made.length}`);
        }
        const nullable = column.options.nullable ?? false;
        if (nullable !== made.nullable && !(driver === 'better-sqlite3' && SQLITE_NULLABLE.includes(`${table.name}.${name}`))) {
          problems.push(`${table.name}.${name}: the entity says nullable ${nullable}, the migrations made ${made.nullable}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('UnicodeNames1732700000000: keys for names unique after folding', () => {
  let warned: string[];
  beforeEach(() => {
    warned = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warned.push(String(message)));
  });
  afterEach(() => jest.restoreAllMocks());

  interface Row {
    id: string;
    [column: string]: string | null;
  }

  /** Runs the migration's up() over these rows of each table, and answers the key each row was given. */
  async function keysGiven(tables: { users?: Row[]; roles?: Row[]; api_keys?: Row[] }): Promise<Map<string, string>> {
    const schema = new Schema();
    const before = migrations().findIndex((m) => m instanceof UnicodeNames1732700000000);
    for (const migration of migrations().slice(0, before)) await migration.up(runner('better-sqlite3', schema).q);
    const { q, queries } = runner('better-sqlite3', schema, (sql) => {
      const table = /FROM (\w+)/.exec(sql)![1] as keyof typeof tables;
      return tables[table] ?? [];
    });
    await new UnicodeNames1732700000000().up(q);
    const keys = new Map<string, string>();
    for (const { sql, parameters } of queries) if (sql.startsWith('UPDATE')) keys.set(String(parameters![1]), String(parameters![0]));
    return keys;
  }

  test('each row gets the key of its folded name', async () => {
    const keys = await keysGiven({ roles: [{ id: 'r1', name: 'Uploaders', account_id: 'a' }] });
    expect(keys.get('r1')).toBe(uniquenessKey('uploaders'));
    expect(keys.get('r1')).toMatch(/^[0-9a-f]{64}$/);
    expect(warned).toEqual([]);
  });

  test('the oldest of names the new rule makes equal keeps the key; a later one gets a key no name has', async () => {
    const users = [
      { id: 'u1', email: 'Élise@example.com', account_id: 'a' },
      { id: 'u2', email: 'élise@example.com', account_id: 'a' },
      { id: 'u3', email: 'e\u0301lise@example.com', account_id: 'a' },
    ];
    const keys = await keysGiven({ users });
    expect(keys.get('u1')).toBe(uniquenessKey('élise@example.com'));
    expect(keys.get('u2')).toBe(uniquenessKey('élise@example.com\u0001u2'));
    expect(keys.get('u3')).toBe(uniquenessKey('e\u0301lise@example.com\u0001u3'));
    expect(new Set(keys.values()).size).toBe(3);
    // Reported by id, never by the address itself.
    expect(warned).toEqual([
      "users u2: its email is the same as an older one's under the new rule; kept as it is, reachable by id",
      "users u3: its email is the same as an older one's under the new rule; kept as it is, reachable by id",
    ]);
  });

  test('names are unique within their scope only: the same name in two accounts or two key lists is no duplicate', async () => {
    const keys = await keysGiven({
      users: [
        { id: 'u1', email: 'ada@example.com', account_id: 'a' },
        { id: 'u2', email: 'ADA@example.com', account_id: 'b' },
      ],
      api_keys: [
        { id: 'k1', name: 'Root', account_id: 'a', kind: 'environment', environment_id: 'e1', user_id: null },
        { id: 'k2', name: 'root', account_id: 'a', kind: 'environment', environment_id: 'e2', user_id: null },
        { id: 'k3', name: 'ROOT', account_id: 'a', kind: 'environment', environment_id: 'e2', user_id: null },
      ],
    });
    expect(keys.get('u1')).toBe(keys.get('u2'));
    expect(keys.get('k1')).toBe(uniquenessKey('root'));
    expect(keys.get('k2')).toBe(uniquenessKey('root'));
    expect(keys.get('k3')).toBe(uniquenessKey('ROOT\u0001k3'));
  });

  test('a scope made of several columns is not confused by values that run together', async () => {
    const keys = await keysGiven({
      api_keys: [
        { id: 'k1', name: 'x', account_id: 'a', kind: 'user', environment_id: null, user_id: 'bc' },
        { id: 'k2', name: 'x', account_id: 'ab', kind: 'user', environment_id: null, user_id: 'c' },
      ],
    });
    expect(keys.get('k1')).toBe(keys.get('k2'));
  });
});

import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LastUseRecorder } from '@castellan/credentials';
import type { Json } from '../../support/http.js';

// What the database holds, read through the application's own DataSource.

/**
 * Written by design while nothing else changes: refusals are audited, each key use is recorded (in a batch)
 * with the user's first sign-in, and counted, allowed or denied.
 */
const VOLATILE: Record<string, string[] | 'all'> = {
  audit_events: 'all',
  key_usage_hours: 'all',
  api_keys: ['last_used_at', 'last_used_ip'],
  users: ['last_login', 'pending'],
};

/** Every row of every table the application maps, by table and primary key, without the volatile columns. */
export type Snapshot = Map<string, Map<string, Json>>;

export async function snapshot(app: INestApplication): Promise<Snapshot> {
  await app.get(LastUseRecorder).flush();
  const source = app.get(DataSource);
  const tables: Snapshot = new Map();
  for (const entity of source.entityMetadatas) {
    const volatile = VOLATILE[entity.tableName];
    if (volatile === 'all' || tables.has(entity.tableName)) continue;
    const rows = new Map<string, Json>();
    for (const row of (await source.query(`SELECT * FROM ${source.driver.escape(entity.tableName)}`)) as Json[]) {
      for (const column of volatile ?? []) delete row[column];
      rows.set(entity.primaryColumns.map((c) => String(row[c.databaseName])).join('|'), JSON.parse(JSON.stringify(row)));
    }
    tables.set(entity.tableName, rows);
  }
  return tables;
}

export interface RowChange {
  table: string;
  key: string;
  before?: Json;
  after?: Json;
}

/** Rows added, changed or removed between two snapshots. */
export function changes(before: Snapshot, after: Snapshot): RowChange[] {
  const found: RowChange[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const [was, is] = [before.get(table) ?? new Map<string, Json>(), after.get(table) ?? new Map<string, Json>()];
    for (const key of new Set([...was.keys(), ...is.keys()])) {
      if (JSON.stringify(was.get(key)) !== JSON.stringify(is.get(key)))
        found.push({ table, key, before: was.get(key), after: is.get(key) });
    }
  }
  return found;
}

/** Every row of every table, audit log and migrations included, as text: where a secret must never be. */
export async function dumpEveryTable(app: INestApplication): Promise<string> {
  const source = app.get(DataSource);
  const tables = (await source.query(
    source.options.type === 'mysql'
      ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
      : "SELECT name FROM sqlite_master WHERE type = 'table'",
  )) as Array<{ name?: string; NAME?: string; TABLE_NAME?: string }>;
  const dumps: string[] = [];
  for (const t of tables) {
    const name = t.name ?? t.NAME ?? t.TABLE_NAME!;
    dumps.push(`${name}: ${JSON.stringify(await source.query(`SELECT * FROM ${source.driver.escape(name)}`))}`);
  }
  return dumps.join('\n');
}

/** The SQLite database file and its write-ahead log, or null on MySQL. */
export function sqliteFiles(app: INestApplication): string[] | null {
  const options = app.get(DataSource).options;
  return options.type === 'better-sqlite3' ? [String(options.database), `${String(options.database)}-wal`] : null;
}

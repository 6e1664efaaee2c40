// The benchmark's database: always empty at the start, gone at the end. Without DATABASE_URL, a SQLite file in a
// temporary folder. With a mysql:// URL, that database, which must not exist or must be empty: the bench never
// seeds over someone's data, and drops what it made.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

async function mysqlScratch(url) {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^\w{1,64}$/.test(database)) throw new Error(`DATABASE_URL: the database name must be letters, digits and _ (got "${database}")`);
  const connect = () =>
    mysql.createConnection({
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    });
  const server = await connect();
  let existed;
  try {
    const [schemas] = await server.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [database]);
    existed = schemas.length > 0;
    if (existed) {
      const [[{ n }]] = await server.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [database]);
      if (Number(n) > 0)
        throw new Error(
          `database ${database} holds ${n} tables: the benchmark needs an empty or missing database, and will not seed over data`,
        );
    } else {
      await server.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  } finally {
    await server.end();
  }
  return {
    driver: 'mysql',
    url,
    label: `MySQL/MariaDB database ${database} on ${parsed.host}`,
    async drop() {
      const c = await connect();
      try {
        if (!existed) {
          await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
          return;
        }
        // It was there, empty, before the run: leave it empty rather than remove what someone made.
        const [tables] = await c.query('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [database]);
        await c.query('SET FOREIGN_KEY_CHECKS = 0');
        for (const { t } of tables) await c.query(`DROP TABLE \`${database}\`.\`${t}\``);
      } finally {
        await c.end();
      }
    },
  };
}

function sqliteScratch(url) {
  // A given sqlite: path must not exist yet; without one, a fresh temporary folder.
  const folder = url ? undefined : mkdtempSync(join(tmpdir(), 'castellan-bench-'));
  const path = url ? url.slice('sqlite:'.length) : join(folder, 'bench.sqlite');
  if (url && existsSync(path)) throw new Error(`${path} exists: the benchmark needs a new database file, and will not seed over data`);
  return {
    driver: 'sqlite',
    url: `sqlite:${path}`,
    label: `SQLite file ${path}`,
    async drop() {
      if (folder) rmSync(folder, { recursive: true, force: true });
      else for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    },
  };
}

export function scratchDatabase(url) {
  if (!url || url.startsWith('sqlite:')) return Promise.resolve(sqliteScratch(url));
  if (/^(mysql|mariadb):/.test(url)) return mysqlScratch(url);
  return Promise.reject(new Error(`DATABASE_URL: expected sqlite:<path> or mysql://…, got "${url.split(':')[0]}:…"`));
}

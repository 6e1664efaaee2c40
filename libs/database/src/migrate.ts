import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseGuard } from './database-guard.js';

const LOCK = 'castellan_migrations';
/** How long an instance waits for another one's migrations before it gives up. */
const WAIT_FOR_OTHERS_MS = 60_000;
const RETRY_EVERY_MS = 200;

/**
 * Migrates, then bounds every statement from here on by DATABASE_TIMEOUT_MS. Migrations are not bounded: one
 * may rewrite a large table, and waiting for another instance's takes as long as theirs.
 */
export async function prepareDatabase(app: INestApplicationContext): Promise<string[]> {
  const applied = await runMigrations(app.get(DataSource));
  app.get(DatabaseGuard).start();
  return applied;
}

/**
 * Runs pending migrations. Several instances (and the CLI) may start together on one database, so each one
 * reads which migrations were applied and applies the rest while holding a lock, and the others wait for it.
 * Without the lock, two processes on an empty database both found nothing applied, and the second failed on
 * "table already exists".
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = dataSource.options.type === 'mysql' ? await underAdvisoryLock(dataSource) : await underWriteLock(dataSource);
  return applied.map((m) => m.name);
}

/** MySQL: an advisory lock held on one connection, while the migrations run on others, one transaction each. */
async function underAdvisoryLock(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  try {
    await waitForOthers(async () => {
      const [row] = (await runner.query('SELECT GET_LOCK(?, 0) AS acquired', [LOCK])) as { acquired: number }[];
      return Number(row?.acquired) === 1;
    });
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * SQLite: the database's write lock, taken before anything is read (BEGIN IMMEDIATE), so that another process
 * waits for it instead of reading a list that is about to change. TypeORM has one connection per SQLite
 * database, so every statement of the run is inside this one transaction.
 */
async function underWriteLock(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  await waitForOthers(() =>
    runner.query('BEGIN IMMEDIATE').then(
      () => true,
      // Busy once the connection's busy timeout (DATABASE_TIMEOUT_MS) ran out: someone else is still at it.
      (error: { driverError?: { code?: string } }) => {
        if (error.driverError?.code === 'SQLITE_BUSY') return false;
        throw error;
      },
    ),
  );
  try {
    const applied = await dataSource.runMigrations({ transaction: 'none' });
    await runner.query('COMMIT');
    return applied;
  } catch (error) {
    // SQLite may already have rolled back after the error; the error to report is the migration's.
    await runner.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Tries to take the migrations' lock, without holding a statement open (each try answers at once), until `take` does. */
async function waitForOthers(take: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + WAIT_FOR_OTHERS_MS;
  while (!(await take())) {
    if (Date.now() > until) throw new Error('Timed out waiting for another instance to finish migrating');
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
}

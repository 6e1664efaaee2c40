import type { DataSource } from 'typeorm';

const LOCK = 'castellan_migrations';

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
    const [row] = (await runner.query('SELECT GET_LOCK(?, 60) AS acquired', [LOCK])) as { acquired: number }[];
    if (Number(row?.acquired) !== 1) throw new Error('Timed out waiting for another instance to finish migrating');
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
 * waits for it (up to the connection's busy timeout) instead of reading a list that is about to change. TypeORM
 * has one connection per SQLite database, so every statement of the run is inside this one transaction.
 */
async function underWriteLock(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  await runner.query('BEGIN IMMEDIATE');
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

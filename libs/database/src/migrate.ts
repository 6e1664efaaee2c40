import type { DataSource } from 'typeorm';

const LOCK = 'castellan_migrations';

/**
 * Runs pending migrations. On MySQL several instances may start together, so they take turns under an
 * advisory lock held on one connection; SQLite's file lock already serialises them.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type !== 'mysql') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  try {
    const [row] = (await runner.query('SELECT GET_LOCK(?, 60) AS acquired', [LOCK])) as { acquired: number }[];
    if (Number(row?.acquired) !== 1) throw new Error('Timed out waiting for another instance to finish migrating');
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [LOCK]);
    }
  } finally {
    await runner.release();
  }
}

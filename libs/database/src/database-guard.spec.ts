import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import type { AppConfig } from '@castellan/core';
import { AppError, ErrorCode } from '@castellan/core';
import { DatabaseGuard } from './database-guard.js';

// The guard's SQLite side against a stand-in driver, which answers each statement as a test script says: how a
// transaction begins, which failures mean the database is away (503) rather than a statement that failed, and
// how the guard closes the door on writes and opens it again. (Its MySQL side probes a server over the network,
// and is tested end to end.)

// Long enough that a failure answered at once is never taken for one that waited, on a busy machine too.
const TIMEOUT_MS = 400;

type Script = (sql: string) => Promise<unknown>;

function sqliteGuard(script: Script) {
  const statements: string[] = [];
  let runners = 0;
  // TypeORM's SQLite driver hands out its one runner again and again.
  const runner = {
    query: (sql: string) => {
      statements.push(sql);
      return script(sql);
    },
    release: () => Promise.resolve(),
  } as unknown as QueryRunner;
  const dataSource = {
    createQueryRunner: () => {
      runners++;
      return runner;
    },
    query: (sql: string) => script(sql),
  } as unknown as DataSource;
  const config = { databaseTimeoutMs: TIMEOUT_MS, database: { driver: 'sqlite', path: ':memory:' } } as AppConfig;
  const guard = new DatabaseGuard(dataSource, config);
  guard.start();
  return { guard, dataSource, statements, runners: () => runners };
}

const answers: Script = () => Promise.resolve([]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failing =
  (error: unknown, afterMs = 0): Script =>
  () =>
    sleep(afterMs).then(() => Promise.reject(error));

async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('did not fail');
}

const isUnavailable = (error: unknown) => error instanceof AppError && error.code === ErrorCode.Unavailable;

let logged: string[];
beforeEach(() => {
  logged = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(`error: ${String(message)}`));
  jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(`log: ${String(message)}`));
});
afterEach(() => jest.restoreAllMocks());

describe('DatabaseGuard on SQLite: statements', () => {
  test('a transaction takes the write lock when it begins, not when it first writes', async () => {
    const { dataSource, statements } = sqliteGuard(answers);
    const runner = dataSource.createQueryRunner();
    await runner.query('BEGIN TRANSACTION');
    await runner.query('SELECT 1');
    await runner.query('BEGIN IMMEDIATE TRANSACTION');
    expect(statements).toEqual(['BEGIN IMMEDIATE TRANSACTION', 'SELECT 1', 'BEGIN IMMEDIATE TRANSACTION']);
  });

  test('the one runner is wrapped once, however often it is handed out', async () => {
    const { dataSource, statements } = sqliteGuard(answers);
    for (let i = 0; i < 3; i++) await dataSource.createQueryRunner().query('BEGIN TRANSACTION');
    expect(statements).toEqual(Array(3).fill('BEGIN IMMEDIATE TRANSACTION'));
  });

  test.each([
    ['a constraint violation', Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })],
    ['a lost race of two transactions', { driverError: { code: 'SQLITE_BUSY_SNAPSHOT' } }],
    ['an AppError of the application', AppError.invalid('nope')],
    ['a code that is not a string', { code: 5 }],
    ['nothing at all', undefined],
  ])('%s is the statement’s own failure, passed on as it is', async (_, error) => {
    const { dataSource, statements } = sqliteGuard(failing(error));
    expect(await failure(dataSource.createQueryRunner().query('INSERT INTO t VALUES (1)'))).toBe(error);
    expect(statements).toEqual(['INSERT INTO t VALUES (1)']);
  });

  test.each([
    ['SQLITE_BUSY from the driver', { driverError: { code: 'SQLITE_BUSY' } }],
    ['SQLITE_BUSY on the error', { code: 'SQLITE_BUSY' }],
    ['a refused connection', { code: 'ECONNREFUSED' }],
    ['a lost connection', { code: 'PROTOCOL_CONNECTION_LOST' }],
    ['a 503 of the guard itself', new AppError(ErrorCode.Unavailable, 'x')],
  ])('%s refused at once is a lost race: 503, and no probe', async (_, error) => {
    const { guard, dataSource, statements } = sqliteGuard(failing(error));
    expect(isUnavailable(await failure(dataSource.createQueryRunner().query('INSERT INTO t VALUES (1)')))).toBe(true);
    await guard.onApplicationShutdown();
    expect(statements).toEqual(['INSERT INTO t VALUES (1)']);
    expect(logged).toEqual([]);
  });
});

describe('DatabaseGuard on SQLite: another process holds the write lock', () => {
  test('a write that waited out the busy timeout closes the door (no more waiting for the lock), until a probe finds it free', async () => {
    let locked = true;
    // As TypeORM reports it: its QueryFailedError, holding the driver's error.
    const busy = Object.assign(new Error('SqliteError: database is locked'), { driverError: { code: 'SQLITE_BUSY' } });
    const { guard, dataSource, statements } = sqliteGuard(async (sql) => {
      if (sql.startsWith('PRAGMA')) return [];
      if (sql.startsWith('DELETE FROM castellan_migrations')) {
        if (locked) throw busy;
        return [];
      }
      // A write waits the whole bound for the lock before it fails.
      await sleep(TIMEOUT_MS);
      if (locked) throw busy;
      return [];
    });
    const runner = dataSource.createQueryRunner();
    expect(isUnavailable(await failure(runner.query('INSERT INTO t VALUES (1)')))).toBe(true);
    // The door closes: the busy timeout drops to zero, and /health says so.
    await sleep(5);
    expect(statements.slice(0, 2)).toEqual(['INSERT INTO t VALUES (1)', 'PRAGMA busy_timeout = 0']);
    expect(await guard.answering()).toBe(false);
    expect(logged).toEqual([
      'error: The database is not answering (SqliteError: database is locked): requests that need it are answered 503 until it does',
    ]);

    // The lock is freed: the next probe finds it so, restores the wait, and says so once.
    locked = false;
    for (let i = 0; i < 60 && (await guard.answering()) === false; i++) await sleep(50);
    expect(await guard.answering()).toBe(true);
    expect(statements.filter((s) => s.startsWith('PRAGMA'))).toEqual(['PRAGMA busy_timeout = 0', `PRAGMA busy_timeout = ${TIMEOUT_MS}`]);
    expect(logged.at(-1)).toBe('log: The database answers again');
    await guard.onApplicationShutdown();
  });

  test('answering() reads through the data source while the database is there', async () => {
    const asked: string[] = [];
    const { guard, dataSource } = sqliteGuard(answers);
    (dataSource as unknown as { query: (sql: string) => Promise<unknown> }).query = (sql) => Promise.resolve(void asked.push(sql));
    expect(await guard.answering()).toBe(true);
    expect(asked).toEqual(['SELECT count(*) FROM sqlite_master']);
  });

  test('answering() is false when the read fails', async () => {
    const { guard } = sqliteGuard(failing(new Error('disk I/O error')));
    expect(await guard.answering()).toBe(false);
  });
});

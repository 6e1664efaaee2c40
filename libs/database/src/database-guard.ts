import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Connection, createConnection } from 'mysql2/promise';
import type { DataSource, QueryRunner } from 'typeorm';
import { AppConfig, AppError, ErrorCode, MysqlServer } from '@castellan/core';

/** How long after a failed probe the database is asked again. */
const PROBE_EVERY_MS = 500;

/**
 * Driver errors that say the database is away (refused, reset, lost, timed out, or on SQLite: another process
 * held the write lock for the whole busy timeout), rather than that a statement failed. better-sqlite3 reports
 * extended codes, so a transaction that lost a race (`SQLITE_BUSY_SNAPSHOT`) is not one of these.
 */
const AWAY = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);

/**
 * TypeORM begins SQLite transactions deferred: a transaction that reads first and writes later must then upgrade
 * its read lock, and when another process (the CLI) holds the write lock at that moment, SQLite refuses at once,
 * without its busy handler, since waiting could deadlock. Every transaction here is a unit of work that writes,
 * so it takes the write lock when it begins, where SQLite waits for it up to the busy timeout.
 */
const DEFERRED_BEGIN = 'BEGIN TRANSACTION';
const IMMEDIATE_BEGIN = 'BEGIN IMMEDIATE TRANSACTION';

const unavailable = () => new AppError(ErrorCode.Unavailable, 'Service unavailable: the database is not answering');

function isAway(error: unknown): boolean {
  if (error instanceof AppError) return error.code === ErrorCode.Unavailable;
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  const found = driverError?.code ?? code;
  return typeof found === 'string' && AWAY.has(found);
}

/** A query runner as TypeORM's MySQL driver has it: the pooled connection it holds, and how it gets one. */
type PooledRunner = QueryRunner & { databaseConnection?: { destroy(): void; release(): void }; connect(): Promise<unknown> };

/**
 * Bounds every statement by DATABASE_TIMEOUT_MS, so that a database that stops answering (a hung server, a
 * partition that drops packets) costs a request at most that long, then 503.
 *
 * On MySQL a statement past its deadline gives up its connection (destroyed, so that a hung transaction can
 * neither commit nor hold locks when the server comes back), and a pooled connection that arrives after its
 * statement gave up goes back to the pool. A statement that timed out, or a connection that failed, starts a
 * probe: `SELECT 1` on a new connection outside the pool, with the same bound. Only when the probe gets no
 * answer either is the database taken for away, so a statement that was merely slow (a lock wait, a long queue
 * for the pool) does not shut the door.
 * While away, every statement is refused at once, and the probe asks again every PROBE_EVERY_MS until it answers.
 *
 * better-sqlite3 is synchronous: a statement waiting for another process's lock blocks the event loop for the
 * busy timeout, which is this same bound, so no deadline can cut it shorter. In WAL mode nothing can take
 * readers' locks from a process that has the file open, so what can freeze SQLite is another process holding
 * the write lock. After one write has waited the bound out, the busy timeout drops to zero: reads go on, writes
 * fail at once (503) instead of stalling everything, and the probe (a write that changes nothing) restores the
 * wait when the lock is free. Keys in the verification cache need no database, so they keep working throughout.
 */
@Injectable()
export class DatabaseGuard implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly timeoutMs: number;
  private readonly sqlite: boolean;
  private away = false;
  private probing: Promise<void> | undefined;
  private stopped = false;
  /**
   * TypeORM's own createQueryRunner. On MySQL its runners are new and unwrapped; on SQLite it hands back the one
   * runner, wrapped like every other use of it, which the probe's statements tolerate: they fail at once or not at all.
   */
  private unguarded!: (mode?: 'master' | 'slave') => QueryRunner;
  private readonly wrapped = new WeakSet<QueryRunner>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.timeoutMs = config.databaseTimeoutMs;
    this.sqlite = config.database.driver === 'sqlite';
  }

  /** Called once the migrations have run (prepareDatabase). */
  start(): void {
    this.unguarded = this.dataSource.createQueryRunner.bind(this.dataSource);
    this.dataSource.createQueryRunner = (mode) => this.guarded(this.unguarded(mode));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.probing;
  }

  /** For /health: false at once while the database is away, else whether it answers a read within the bound. */
  async answering(): Promise<boolean> {
    if (this.away) return false;
    try {
      await this.dataSource.query(this.sqlite ? 'SELECT count(*) FROM sqlite_master' : 'SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private guarded(runner: QueryRunner): QueryRunner {
    // TypeORM's SQLite driver hands out its one runner again and again: it is wrapped once, not once per request.
    if (this.wrapped.has(runner)) return runner;
    this.wrapped.add(runner);
    const query = runner.query.bind(runner);
    if (this.sqlite) {
      runner.query = (async (sql: string, ...rest: unknown[]) => {
        const started = performance.now();
        try {
          return await query(sql === DEFERRED_BEGIN ? IMMEDIATE_BEGIN : sql, ...(rest as []));
        } catch (error) {
          // A lock SQLite refused without waiting is a lost race, not a database that stopped answering.
          if (isAway(error) && performance.now() - started < this.timeoutMs / 2) throw unavailable();
          throw this.failed(error);
        }
      }) as QueryRunner['query'];
      return runner;
    }
    const pooled = runner as PooledRunner;
    const connect = pooled.connect.bind(runner);
    let abandoned = false;
    pooled.connect = async () => {
      const connection = await connect();
      if (abandoned) {
        pooled.databaseConnection?.release();
        throw unavailable();
      }
      return connection;
    };
    runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
      if (this.away) throw unavailable();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abandoned = true;
          pooled.databaseConnection?.destroy();
          reject(unavailable());
        }, this.timeoutMs);
      });
      try {
        return await Promise.race([query(...args), deadline]);
      } catch (error) {
        throw this.failed(error);
      } finally {
        clearTimeout(timer);
      }
    }) as QueryRunner['query'];
    return runner;
  }

  /** The error a failed statement's caller gets: 503 when the database is away, else the statement's own. */
  private failed(error: unknown): unknown {
    if (!isAway(error)) return error;
    this.probing ??= this.probe(error).finally(() => (this.probing = undefined));
    return unavailable();
  }

  private async probe(cause: unknown): Promise<void> {
    // SQLite's failed write has already waited the whole bound for the lock: no second wait before closing.
    if (this.sqlite) await this.goAway(cause);
    while (!this.stopped && !(await this.ask())) {
      await this.goAway(cause);
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS).unref());
    }
    if (!this.away) return;
    this.away = false;
    if (this.sqlite) await this.setBusyTimeout(this.timeoutMs);
    this.logger.log('The database answers again');
  }

  private async goAway(cause: unknown): Promise<void> {
    if (this.away) return;
    this.away = true;
    const why = cause instanceof AppError ? `no answer within ${this.timeoutMs} ms` : String((cause as Error).message ?? cause);
    this.logger.error(`The database is not answering (${why}): requests that need it are answered 503 until it does`);
    if (this.sqlite) await this.setBusyTimeout(0);
  }

  private ask(): Promise<boolean> {
    return this.config.database.driver === 'mysql' ? this.askServer(this.config.database) : this.askSqlite();
  }

  /**
   * On a connection of its own, not the pool's: under load the pool's queue is long, and waiting in it says
   * nothing about whether the server answers.
   */
  private async askServer({ host, port, username, password, database }: MysqlServer): Promise<boolean> {
    let connection: Connection | undefined;
    let timer: NodeJS.Timeout | undefined;
    const options = { host, port, user: username, password, database, connectTimeout: this.timeoutMs };
    const attempt = createConnection(options).then(async (opened) => {
      connection = opened;
      await opened.query('SELECT 1');
    });
    try {
      await Promise.race([attempt, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(unavailable()), this.timeoutMs)))]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      connection?.destroy();
      // A connection that arrives after the deadline is cut as it does.
      attempt.then(
        () => connection?.destroy(),
        () => undefined,
      );
    }
  }

  /** Asked while the busy timeout is zero: the write lock is free now, or this fails at once. */
  private async askSqlite(): Promise<boolean> {
    const runner = this.unguarded();
    try {
      await runner.query('DELETE FROM castellan_migrations WHERE 0 = 1');
      return true;
    } catch {
      return false;
    } finally {
      await runner.release();
    }
  }

  private async setBusyTimeout(ms: number): Promise<void> {
    const runner = this.unguarded();
    await runner.query(`PRAGMA busy_timeout = ${ms}`).finally(() => runner.release());
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { startServer, TestAccount, TestServer, uniqueCloudName, usingMysql } from './support/harness.js';
import { mariadbPrograms, PrivateMariadb, startPrivateMariadb } from './support/private-mariadb.js';
import { captureStderr } from './support/logs.js';
import { servicesRequired, skipped } from './support/services.js';

// A database that stops answering without refusing: a MariaDB of the test's own stopped with SIGSTOP (a hung
// primary, a partition that drops packets), and a SQLite file whose write lock another process holds. Requests
// that need the database get 503 within DATABASE_TIMEOUT_MS, then at once; cached keys keep verifying; the
// service comes back by itself. The MariaDB case runs in the MySQL run, the SQLite one in the SQLite run.

const BOUND_MS = 1000;
/** Past the bound, the answer comes within this much more (scheduling, the request's own work). */
const SLACK_MS = 600;
/** "At once". */
const AT_ONCE_MS = 300;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function timed(request: PromiseLike<Response>): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await request;
  return { res, ms: performance.now() - started };
}

/** Asks `ask` until it answers `status`, for at most `withinMs`; resolves to how long that took. */
async function until(ask: () => PromiseLike<Response>, status: number, withinMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await ask()).status === status) return performance.now() - started;
    if (performance.now() - started > withinMs) throw new Error(`no ${status} within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Setup {
  server: TestServer;
  /** Its key has been verified, so it is in the cache. */
  warm: TestAccount;
  /** Its key has never been used on this server. */
  cold: TestAccount;
}

async function setUp(databaseUrl: string): Promise<Setup> {
  const server = await startServer({ DATABASE_URL: databaseUrl, DATABASE_TIMEOUT_MS: String(BOUND_MS) });
  const warm = await server.newAccount('Warm');
  const cold = await server.newAccount('Cold');
  expect((await decide(server, warm)).status).toBe(200);
  return { server, warm, cold };
}

/** A decision the warm key may make without the database. */
const decide = (server: TestServer, account: TestAccount) =>
  server
    .http()
    .post('/v1_1/authorize')
    .auth(...account.auth)
    .send({ action: 'provisioning:account.read' });
const health = (server: TestServer) => server.http().get('/health');
const newEnvironment = (server: TestServer, account: TestAccount) =>
  server
    .http()
    .post(`${account.base}/sub_accounts`)
    .auth(...account.auth)
    .send({ name: 'Outage', cloud_name: uniqueCloudName() });

function expectUnavailable(res: Response): void {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { message: expect.stringMatching(/^Service unavailable/) } });
}

const programs = mariadbPrograms();
const mariadbSuite = !usingMysql()
  ? describe.skip
  : 'server' in programs || servicesRequired()
    ? describe
    : skipped(import.meta.url, `the frozen MariaDB case: ${programs.missing}`);

mariadbSuite('a MariaDB stopped with SIGSTOP', () => {
  let mariadb: PrivateMariadb;
  let s: Setup;
  beforeAll(async () => {
    if ('missing' in programs) throw new Error(programs.missing);
    mariadb = await startPrivateMariadb(programs);
    s = await setUp(mariadb.url);
  }, 60_000);
  afterAll(async () => {
    await s?.server.close();
    await mariadb?.stop();
  });

  test('503 within the bound, then at once; cached keys verify; /health answers in time; it recovers by itself', async () => {
    const log = captureStderr();
    await mariadb.freeze();
    try {
      const cached = await timed(decide(s.server, s.warm));
      expect(cached.res.status).toBe(200);
      expect(cached.ms).toBeLessThan(AT_ONCE_MS);

      const first = await timed(
        s.server
          .http()
          .get(s.cold.base)
          .auth(...s.cold.auth),
      );
      expectUnavailable(first.res);
      expect(first.ms).toBeGreaterThanOrEqual(BOUND_MS * 0.9);
      expect(first.ms).toBeLessThan(BOUND_MS + SLACK_MS);

      // A probe of its own confirms the database is away (it gets no answer within the bound either); until
      // then a request waits its own bound, never longer, and from then on none waits.
      const confirmed = await until(
        () =>
          s.server
            .http()
            .get(s.cold.base)
            .auth(...s.cold.auth),
        503,
        3 * (BOUND_MS + SLACK_MS),
      );
      expect(confirmed).toBeLessThan(2 * (BOUND_MS + SLACK_MS));
      const refused = await timed(
        s.server
          .http()
          .get(s.cold.base)
          .auth(...s.cold.auth),
      );
      expectUnavailable(refused.res);
      expect(refused.ms).toBeLessThan(AT_ONCE_MS);

      const read = await timed(
        s.server
          .http()
          .get(`${s.warm.base}/sub_accounts`)
          .auth(...s.warm.auth),
      );
      expectUnavailable(read.res);
      expect(read.ms).toBeLessThan(AT_ONCE_MS);
      const checked = await timed(health(s.server));
      expect([checked.res.status, checked.res.body]).toEqual([503, { status: 'unavailable' }]);
      expect(checked.ms).toBeLessThan(AT_ONCE_MS);
      expect((await decide(s.server, s.warm)).status).toBe(200);
    } finally {
      mariadb.thaw();
    }

    await until(() => health(s.server), 200, 5_000);
    expect(
      (
        await s.server
          .http()
          .get(s.cold.base)
          .auth(...s.cold.auth)
      ).status,
    ).toBe(200);
    expect((await newEnvironment(s.server, s.warm)).status).toBe(200);
    log.stop();
    expect(log.text().match(/The database is not answering \(no answer within 1000 ms\)/g)).toHaveLength(1);
  }, 30_000);

  test('/health on a frozen database that was not yet known to be away answers 503 within the bound', async () => {
    const log = captureStderr();
    await mariadb.freeze();
    try {
      const checked = await timed(health(s.server));
      expect(checked.res.status).toBe(503);
      expect(checked.ms).toBeLessThan(BOUND_MS + SLACK_MS);
    } finally {
      mariadb.thaw();
      log.stop();
    }
    await until(() => health(s.server), 200, 5_000);
  }, 30_000);
});

(usingMysql() ? describe.skip : describe)('a SQLite file whose write lock another process holds', () => {
  let dir: string;
  let s: Setup;
  let holder: ChildProcess | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'castellan-outage-'));
    s = await setUp(`sqlite:${join(dir, 'outage.sqlite')}`);
  });
  afterAll(async () => {
    holder?.kill('SIGKILL');
    await s?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Another process tries to take the file's write lock without waiting. It answers `held` and keeps the lock
   * until killed, or answers the error code SQLite refused it with and exits.
   */
  async function takeWriteLock(): Promise<{ child: ChildProcess; answer: string }> {
    const script = `
      const db = new (require('better-sqlite3'))(process.argv[1], { timeout: 0 });
      try {
        db.exec('BEGIN EXCLUSIVE');
        db.exec("UPDATE accounts SET name = name");
      } catch (error) {
        process.stdout.write(error.code + '\\n');
        process.exit(0);
      }
      process.stdout.write('held\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script, join(dir, 'outage.sqlite')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const answer = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the lock taker exited without a word (${code})`)));
    });
    return { child, answer };
  }

  async function holdWriteLock(): Promise<ChildProcess> {
    const { child, answer } = await takeWriteLock();
    expect(answer).toBe('held');
    return child;
  }

  test('a transaction takes the write lock as it begins: no other process slips in between its reads and its writes', async () => {
    const dataSource = s.server.app.get(DataSource);
    let other = '';
    await dataSource.transaction(async (manager) => {
      await manager.query('SELECT count(*) FROM accounts');
      const taken = await takeWriteLock();
      other = taken.answer;
      holder = taken.child;
      // Deferred, this transaction would have had to upgrade to the write lock the other process now held: refused at once.
      await manager.query('UPDATE accounts SET name = name WHERE 0 = 1');
    });
    holder?.kill('SIGKILL');
    holder = undefined;
    expect(other).toBe('SQLITE_BUSY');
  });

  test('the one runner the SQLite driver hands out is wrapped once, however often it is handed out', () => {
    const dataSource = s.server.app.get(DataSource);
    const { query } = dataSource.createQueryRunner();
    for (let i = 0; i < 3; i++) expect(dataSource.createQueryRunner().query).toBe(query);
  });

  test('writes get 503 within the bound, then at once; reads and cached keys go on; it recovers by itself', async () => {
    holder = await holdWriteLock();
    const log = captureStderr();

    const first = await timed(newEnvironment(s.server, s.warm));
    expectUnavailable(first.res);
    expect(first.ms).toBeGreaterThanOrEqual(BOUND_MS * 0.9);
    expect(first.ms).toBeLessThan(BOUND_MS + SLACK_MS);
    const second = await timed(newEnvironment(s.server, s.warm));
    expectUnavailable(second.res);
    expect(second.ms).toBeLessThan(AT_ONCE_MS);

    // In WAL mode the lock holder cannot keep readers out: a key never seen before verifies, and reads answer.
    const read = await timed(
      s.server
        .http()
        .get(s.cold.base)
        .auth(...s.cold.auth),
    );
    expect(read.res.status).toBe(200);
    expect(read.ms).toBeLessThan(AT_ONCE_MS);
    const cached = await timed(decide(s.server, s.warm));
    expect(cached.res.status).toBe(200);
    expect(cached.ms).toBeLessThan(AT_ONCE_MS);
    const checked = await timed(health(s.server));
    expect([checked.res.status, checked.res.body]).toEqual([503, { status: 'unavailable' }]);
    expect(checked.ms).toBeLessThan(AT_ONCE_MS);

    holder.kill('SIGKILL');
    holder = undefined;
    await until(() => health(s.server), 200, 3_000);
    const after = await timed(newEnvironment(s.server, s.warm));
    expect(after.res.status).toBe(200);
    log.stop();
    expect(log.text().match(/The database is not answering \(SqliteError: database is locked\)/g)).toHaveLength(1);
  }, 30_000);
});

import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildIfNeeded, describeRun, run } from './support/cli.js';
import { blocked, Instance, Instances, isServing, serving, stop } from './support/instances.js';
import { allow, bind, Call, Credentials, deny, expectUnauthorized, Json, okBody } from './support/http.js';
import { uniqueCloudName, usingMysql } from './support/harness.js';
import { describeWith, REDIS } from './support/services.js';

const withServices = await describeWith(import.meta.url, REDIS);

// Several instances on one database and one Redis, as issue 6 deploys them: two real server processes
// (`node dist/apps/api/src/main.js`, NODE_ENV=production) on the test run's database (a new SQLite file, or the
// MySQL database in TEST_DATABASE_URL) and the Redis on 127.0.0.1:6379 (CI starts it; without it, this skips). The
// test stands where the load balancer would: the instances believe X-Forwarded-For from the loopback only.
//
// The servers use Redis's default channel (castellan:key-cache) and key prefix (castellan:), which no setting
// changes; suites run one at a time (Jest's maxWorkers is 1), and counters here are kept apart by addresses
// and keys of this run only.

const REDIS_URL = 'redis://127.0.0.1:6379';
/** The bound docs/operations.md promises for a change made on one instance to reach the others, with Redis. */
const PROPAGATION_BOUND_MS = 1000;
const POLL_INTERVAL_MS = 50;

/** A random address of the benchmarking range (198.18.0.0/15): failures counted for it in Redis are this run's. */
const runAddress = () => `198.${randomInt(18, 20)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
/** The client every request comes from, as the load balancer names it. */
const CLIENT = runAddress();

/** The first line of what the server prints when it made the first account (apps/api/src/main.ts). */
const FIRST_START_BANNER = 'Castellan: first start.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PEPPER = `scale-out pepper ${randomUUID()}`;
/** The configuration every instance of one deployment shares: database, pepper, Redis, the trusted proxy. */
const deployment = (databaseUrl: string): Record<string, string> => ({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  SECRET_PEPPER: PEPPER,
  REDIS_URL,
  TRUST_PROXY: '127.0.0.1',
  // An hour: an instance that refuses a changed key within a second was told, since its entry did not age out.
  KEY_CACHE_TTL_SECONDS: '3600',
  LOG_LEVEL: 'warn',
});

const instances = new Instances();
let dir: string;
let databaseUrl: string;
let a: Instance;
let b: Instance;
let owner: { base: string; auth: Credentials };
/** How long each change made through A took to be seen by B, for the summary after the suite. */
const propagation: Record<string, number> = {};

/** Requests to an instance from CLIENT, through the load balancer. */
const on = (instance: Instance, from = CLIENT): Call => bind(() => instance, { 'x-forwarded-for': from }).call;
const ok = okBody;
const credentials = (key: Json): Credentials => [key.api_key, key.api_secret];
const status = async (instance: Instance, auth: Credentials): Promise<number> =>
  (await on(instance)('get', '/v1_1/keys/self', auth)).status;
const decide = async (instance: Instance, auth: Credentials, action: string): Promise<string> =>
  (await ok(on(instance)('post', '/v1_1/authorize', auth, { action }))).reason;
let names = 0;
const newAccountKey = async (through: Instance, settings: object = {}): Promise<Credentials> =>
  credentials(await ok(on(through)('post', `${owner.base}/account_api_keys`, owner.auth, { name: `scale-out ${++names}`, ...settings })));

beforeAll(async () => {
  await buildIfNeeded();
  dir = mkdtempSync(join(tmpdir(), 'castellan-scale-out-'));
  databaseUrl = process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'scale-out.sqlite')}`;
  [a, b] = await Promise.all([instances.start('A', deployment(databaseUrl)), instances.start('B', deployment(databaseUrl))]);
  // The CLI rather than a first-start banner: the run's MySQL database is not empty when other suites ran first.
  const created = await run(
    'node',
    ['dist/apps/cli/src/main.js', 'account', 'create', '--name', 'Scale-out', '--json'],
    deployment(databaseUrl),
  );
  if (created.code !== 0) throw new Error(`account create failed: ${describeRun(created)}`);
  const account = JSON.parse(created.stdout) as { account_id: string; api_key: string; api_secret: string };
  owner = { base: `/v1_1/provisioning/accounts/${account.account_id}`, auth: [account.api_key, account.api_secret] };
}, 240_000);

afterAll(async () => {
  await instances.stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const seen = Object.entries(propagation).map(([change, ms]) => `${change} ${ms} ms`);
  if (seen.length > 0) console.log(`scale-out: changes made through A were seen by B after: ${seen.join(', ')}`);
}, 60_000);

/**
 * Asks `probe` every 50 ms until it answers `expected` (for at most five times the promised bound, so that a
 * slow propagation is measured rather than cut off), and says what it answered last and after how long.
 */
async function timeUntil<T>(probe: () => Promise<T>, expected: T): Promise<{ answer: T; ms: number }> {
  const start = Date.now();
  let answer = await probe();
  while (answer !== expected && Date.now() - start < 5 * PROPAGATION_BOUND_MS) {
    await sleep(POLL_INTERVAL_MS);
    answer = await probe();
  }
  return { answer, ms: Date.now() - start };
}

/** Makes `change` through A, then polls B until it answers `after`; B must get there within the bound. */
async function seenByB<T>(name: string, probe: () => Promise<T>, before: T, after: T, change: () => Promise<unknown>): Promise<void> {
  // B answered before the change, so it holds the key in its cache.
  expect(await probe()).toBe(before);
  await change();
  const { answer, ms } = await timeUntil(probe, after);
  propagation[name] = ms;
  expect({ answer, withinBound: ms < PROPAGATION_BOUND_MS, ms }).toEqual({ answer: after, withinBound: true, ms: expect.any(Number) });
}

async function newEnvironment(through: Instance): Promise<{ keys: string; auth: Credentials }> {
  const env = await ok(
    on(through)('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Scale-out', cloud_name: uniqueCloudName('so') }),
  );
  return { keys: `${owner.base}/sub_accounts/${env.id}/access_keys`, auth: [env.api_access_keys[0].key, env.api_access_keys[0].secret] };
}

withServices('two instances on one database and one Redis', () => {
  test('started together, at most one of them made a first account (one on a new SQLite file)', () => {
    const banners = [a, b].filter((instance) => instance.output().includes(FIRST_START_BANNER)).length;
    // The run's MySQL database holds other suites' accounts when they ran first; then neither makes one.
    expect(usingMysql() ? [0, 1] : [1]).toContain(banners);
  });

  test('a key made through A works on B at once', async () => {
    const key = await newAccountKey(a);
    expect(await status(b, key)).toBe(200);
    expect(await status(a, key)).toBe(200);
  });

  test('a key disabled through A is refused by B within a second', async () => {
    const key = await newAccountKey(a);
    await seenByB(
      'disable',
      () => status(b, key),
      200,
      401,
      () => ok(on(a)('put', `${owner.base}/account_api_keys/${key[0]}`, owner.auth, { enabled: false })),
    );
    expectUnauthorized(await on(b)('get', '/v1_1/keys/self', key));
  });

  test('a key deleted through A is refused by B within a second', async () => {
    const env = await newEnvironment(a);
    const key = credentials(await ok(on(a)('post', env.keys, owner.auth, { name: 'doomed' })));
    await seenByB(
      'delete',
      () => status(b, key),
      200,
      401,
      () => ok(on(a)('delete', `${env.keys}/${key[0]}`, owner.auth)),
    );
  });

  test("a deny added to a key's rules through A changes B's decision within a second", async () => {
    const env = await newEnvironment(a);
    await seenByB(
      'deny',
      () => decide(b, env.auth, 'upload:destroy'),
      'ALLOWED',
      'DENIED_BY_RULE',
      () => ok(on(a)('put', `${env.keys}/${env.auth[0]}/permissions`, owner.auth, { rules: [allow('upload:*'), deny('upload:destroy')] })),
    );
    expect(await decide(b, env.auth, 'upload:upload')).toBe('ALLOWED');
  });

  test("a key's rate limit counts its requests on both: the (N+1)th in total is 429, wherever it lands", async () => {
    const limit = 6;
    const key = await newAccountKey(a, { rate_limit_per_minute: limit });
    const answers = [];
    for (let i = 0; i <= limit; i++) answers.push(await on(i % 2 === 0 ? a : b)('get', '/v1_1/keys/self', key));
    expect(answers.map((res) => [res.status, res.headers['x-featureratelimit-remaining']])).toEqual([
      ...Array.from({ length: limit }, (_, i) => [200, String(limit - 1 - i)]),
      [429, '0'],
    ]);
    // The last went to A; B refuses too.
    expect(await status(b, key)).toBe(429);
  });

  test('failed authentications from one address count on both: past the burst (10), both block it', async () => {
    const attacker = runAddress();
    const burst = 10;
    const statuses = [];
    for (let i = 0; i <= burst; i++) statuses.push((await on(i % 2 === 0 ? a : b, attacker)('get', '/v1_1/keys/self')).status);
    expect(statuses).toEqual([...Array<number>(burst).fill(401), 429]);
    // Blocked on B as well, the right credentials too; other addresses are not.
    expect((await on(b, attacker)('get', '/v1_1/keys/self', owner.auth)).status).toBe(429);
    expect(await status(b, owner.auth)).toBe(200);
  });

  test('kill -9 of A: B keeps serving, and a new instance in its place serves the same keys and limits at once', async () => {
    const key = await newAccountKey(a);
    const limited = await newAccountKey(a, { rate_limit_per_minute: 2 });
    expect([await status(a, key), await status(a, limited), await status(a, limited)]).toEqual([200, 200, 200]);

    expect(await stop(a, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await status(b, key)).toBe(200);
    const madeOnB = await newAccountKey(b);
    expect(await status(b, madeOnB)).toBe(200);

    a = await instances.start('A (replacement)', deployment(databaseUrl));
    expect([await status(a, key), await status(a, madeOnB), await status(a, limited)]).toEqual([200, 200, 429]);
  });

  test('SIGTERM: B writes the last uses it still held before it exits', async () => {
    const key = await newAccountKey(a);
    // Uses are written every 5 seconds, and at shutdown; B is stopped well within those 5 seconds.
    expect(await status(b, key)).toBe(200);
    expect(await stop(b)).toEqual({ code: null, signal: 'SIGTERM' });
    const listed = (await ok(on(a)('get', `${owner.base}/account_api_keys?page_size=1000`, owner.auth))).account_api_keys as Json[];
    expect(listed.find((k) => k.api_key === key[0])).toMatchObject({ last_used_ip: CLIENT, last_used_at: expect.any(String) });
  });
});

withServices('starting together on an empty SQLite file', () => {
  test('both wait while another process holds the write lock, then both serve, and exactly one made the first account', async () => {
    const file = join(dir, 'first-start.sqlite');
    const holder = new DataSource({ type: 'better-sqlite3', database: file, enableWAL: true });
    await holder.initialize();
    let pair: Instance[];
    await holder.query('BEGIN IMMEDIATE');
    try {
      pair = await Promise.all(['C', 'D'].map((name) => instances.launch(name, deployment(`sqlite:${file}`))));
      // Released once both wait for it, well within the 60 s each waits before it gives up.
      await blocked(pair);
      expect(await Promise.all(pair.map(isServing))).toEqual([false, false]);
    } finally {
      await holder.query('COMMIT');
      await holder.destroy();
    }
    await Promise.all(pair.map(serving));

    const banners = pair.filter((instance) => instance.output().includes(FIRST_START_BANNER));
    expect(banners.map((instance) => instance.name)).toHaveLength(1);
    const line = (field: string) => new RegExp(`^ +${field} +(\\S+)$`, 'm').exec(banners[0]!.output())?.[1] ?? '';
    const first = { base: `/v1_1/provisioning/accounts/${line('account_id')}`, auth: [line('api_key'), line('api_secret')] as const };
    for (const instance of pair) expect((await on(instance)('get', first.base, first.auth)).status).toBe(200);
    expect(await Promise.all(pair.map((instance) => stop(instance)))).toEqual([
      { code: null, signal: 'SIGTERM' },
      { code: null, signal: 'SIGTERM' },
    ]);
  }, 90_000);
});

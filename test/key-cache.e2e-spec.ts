import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { KeyCache, KeyCacheInvalidator } from '@castellan/credentials';
import { ApiKeyEntity } from '../libs/credentials/src/api-key.entity.js';
import { ApiKeyRepository } from '../libs/credentials/src/api-key.repository.js';
import { EnvironmentRepository } from '../libs/environments/src/environment.repository.js';
import { LeakService } from '@castellan/leaks';
import { connectRedis } from '@castellan/throttling';
import { cachedKey, loaded } from '../libs/credentials/src/key-cache.fixture.js';
import { allow, bind, Credentials, deny, expectErrorMessage, expectUnauthorized, Json, okBody } from './support/http.js';
import { startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { describeWith, REDIS } from './support/services.js';

const withServices = await describeWith(import.meta.url, REDIS);

// The verification cache: a key verified once is answered from memory, and every change to the key, its rules,
// its roles, its user, its environment or its account is seen by the very next request on the instance that
// made it; with Redis, by the other instances within a second; without, after the cache's maximum age.

let server: TestServer;
let a: TestAccount;

beforeAll(async () => {
  // Requests without X-Forwarded-For come from the socket's address, 127.0.0.1.
  server = await startServer({ TRUST_PROXY: 'true' });
  a = await server.newAccount('Key cache owner');
});
afterAll(() => server.close());

const { call } = bind(() => server);
const ok = okBody;

/** The status a request authenticated with `auth` gets, from an address every allowlist below admits. */
const status = async (auth: Credentials, target: TestServer = server): Promise<number> =>
  (await target.http().get('/v1_1/keys/self').auth(auth[0], auth[1])).status;
const decide = async (auth: Credentials, action: string, cloudName?: string): Promise<string> =>
  (await ok(call('post', '/v1_1/authorize', auth, { action, ...(cloudName ? { cloud_name: cloudName } : {}) }))).reason;
const credentials = (key: Json): Credentials => [key.api_key, key.api_secret];

async function newEnvironment(): Promise<{ id: string; keys: string; auth: Credentials }> {
  const env = await ok(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Env', cloud_name: uniqueCloudName('kc') }));
  return {
    id: env.id,
    keys: `${a.base}/sub_accounts/${env.id}/access_keys`,
    auth: [env.api_access_keys[0].key, env.api_access_keys[0].secret],
  };
}
let names = 0;
const newAccountKey = async (): Promise<Credentials> =>
  credentials(await ok(call('post', `${a.base}/account_api_keys`, a.auth, { name: `cached ${++names}` })));

/** Counts the calls of a method of a real repository. */
function countCalls(repository: object, method: string): { count: () => number; restore: () => void } {
  const spy = jest.spyOn(repository as Record<string, () => unknown>, method);
  return { count: () => spy.mock.calls.length, restore: () => spy.mockRestore() };
}
/** The key lookups the verifier makes. */
const countLookups = () => countCalls(server.app.get(ApiKeyRepository), 'findForVerification');

describe('answers from the cache', () => {
  test('a verified key is looked up once; its wrong secrets are answered from the cache too', async () => {
    const key = await newAccountKey();
    const lookups = countLookups();
    try {
      expect([await status(key), await status(key), await status(key)]).toEqual([200, 200, 200]);
      // Well-formed (a malformed one is refused before any lookup), and another key's.
      expectUnauthorized(await server.http().get('/v1_1/keys/self').auth(key[0], a.auth[1]));
      expect(lookups.count()).toBe(1);
    } finally {
      lookups.restore();
    }
  });

  test('an unknown api_key is looked up once, then answered without a query for a while', async () => {
    const lookups = countLookups();
    try {
      for (let i = 0; i < 5; i++) expect(await status(['100000000000007', a.auth[1]])).toBe(401);
      expect(lookups.count()).toBe(1);
    } finally {
      lookups.restore();
    }
  });

  test("an environment key's decisions look nothing up: its environment came with the key", async () => {
    const env = await newEnvironment();
    expect(await decide(env.auth, 'upload:upload')).toBe('ALLOWED');
    const lookups = countCalls(server.app.get(EnvironmentRepository), 'findById');
    try {
      expect([await decide(env.auth, 'upload:upload'), await decide(env.auth, 'upload:destroy'), await status(env.auth)]).toEqual([
        'ALLOWED',
        'ALLOWED',
        200,
      ]);
      expect(lookups.count()).toBe(0);
    } finally {
      lookups.restore();
    }
  });
});

describe('a miss is one query, whatever the key holds', () => {
  /** The SELECTs sent to the database while `work` runs (the last-use and audit writes are not SELECTs). */
  async function selects(work: () => Promise<unknown>): Promise<number> {
    const spy = jest.spyOn(server.app.get(DataSource).logger, 'logQuery');
    try {
      await work();
      return spy.mock.calls.filter(([sql]) => /^\s*select/i.test(sql)).length;
    } finally {
      spy.mockRestore();
    }
  }
  const newRole = async (rules: Json[]): Promise<string> =>
    (await ok(call('post', `${a.base}/roles`, a.auth, { name: `kc held ${++names}`, rules }))).id;

  test("a user key: its user, the user's roles, groups, group roles and environments", async () => {
    const [home, elsewhere] = [await newEnvironment(), await newEnvironment()];
    const group = (await ok(call('post', `${a.base}/user_groups`, a.auth, { name: `kc group ${++names}` }))).id;
    await ok(
      call('put', `${a.base}/user_groups/${group}/permissions`, a.auth, {
        rules: [allow('upload:context')],
        roles: [await newRole([allow('upload:tags')])],
      }),
    );
    const user = await ok(
      call('post', `${a.base}/users`, a.auth, {
        name: 'Holder',
        email: `kc-holder-${Date.now()}@example.com`,
        role: 'reports',
        sub_account_ids: [home.id],
        custom_roles: [await newRole([allow('upload:rename')])],
      }),
    );
    await ok(call('post', `${a.base}/user_groups/${group}/users/${user.id}`, a.auth, {}));
    const key = credentials(await ok(call('post', `${a.base}/users/${user.id}/api_keys`, a.auth, {})));

    server.app.get(KeyCache).clear();
    expect(await selects(() => decide(key, 'upload:rename'))).toBe(1);
    expect(await selects(() => decide(key, 'upload:tags'))).toBe(0);
    // The user's own role, the group's role, the group's rules, nothing else, where the user reaches (it must name it).
    const homeName = (await ok(call('get', `${a.base}/sub_accounts/${home.id}`, a.auth))).cloud_name;
    expect(
      await Promise.all(
        ['upload:rename', 'upload:tags', 'upload:context', 'upload:destroy'].map((action) => decide(key, action, homeName)),
      ),
    ).toEqual(['ALLOWED', 'ALLOWED', 'ALLOWED', 'NO_MATCHING_RULE']);
    const where = async (env: { id: string }) =>
      (
        await ok(
          call('post', '/v1_1/authorize', key, {
            action: 'upload:rename',
            cloud_name: (await ok(call('get', `${a.base}/sub_accounts/${env.id}`, a.auth))).cloud_name,
          }),
        )
      ).reason;
    expect([await where(home), await where(elsewhere)]).toEqual(['ALLOWED', 'WRONG_ENVIRONMENT']);
  });

  test('an environment key with its own rules and a custom role', async () => {
    const env = await newEnvironment();
    await ok(
      call('put', `${env.keys}/${env.auth[0]}/permissions`, a.auth, {
        rules: [allow('upload:upload')],
        roles: [await newRole([allow('upload:rename')])],
      }),
    );
    server.app.get(KeyCache).clear();
    expect(await selects(() => decide(env.auth, 'upload:rename'))).toBe(1);
    expect(await Promise.all(['upload:upload', 'upload:rename', 'upload:destroy'].map((action) => decide(env.auth, action)))).toEqual([
      'ALLOWED',
      'ALLOWED',
      'NO_MATCHING_RULE',
    ]);
  });
});

describe('a change made through the API is seen by the very next request', () => {
  test('disabling a key, and enabling it again', async () => {
    const key = await newAccountKey();
    expect(await status(key)).toBe(200);
    await ok(call('put', `${a.base}/account_api_keys/${key[0]}`, a.auth, { enabled: false }));
    expect(await status(key)).toBe(401);
    await ok(call('put', `${a.base}/account_api_keys/${key[0]}`, a.auth, { enabled: true }));
    expect(await status(key)).toBe(200);
  });

  test("narrowing a key's rules", async () => {
    const env = await newEnvironment();
    expect(await decide(env.auth, 'upload:destroy')).toBe('ALLOWED');
    await ok(call('put', `${env.keys}/${env.auth[0]}/permissions`, a.auth, { rules: [allow('upload:*'), deny('upload:destroy')] }));
    expect(await decide(env.auth, 'upload:destroy')).toBe('DENIED_BY_RULE');
  });

  test('changing a role the key holds', async () => {
    const env = await newEnvironment();
    const role = (await ok(call('post', `${a.base}/roles`, a.auth, { name: `kc role ${++names}`, rules: [allow('upload:destroy')] }))).id;
    await ok(call('put', `${env.keys}/${env.auth[0]}/permissions`, a.auth, { rules: [allow('upload:upload')], roles: [role] }));
    expect(await decide(env.auth, 'upload:destroy')).toBe('ALLOWED');
    await ok(call('put', `${a.base}/roles/${role}`, a.auth, { rules: [allow('upload:rename')] }));
    expect(await decide(env.auth, 'upload:destroy')).toBe('NO_MATCHING_RULE');
  });

  test('disabling the user of a user key', async () => {
    const user = (
      await ok(call('post', `${a.base}/users`, a.auth, { name: 'Cached', email: `kc-${Date.now()}@example.com`, role: 'admin' }))
    ).id;
    const key = credentials(await ok(call('post', `${a.base}/users/${user}/api_keys`, a.auth, {})));
    expect(await status(key)).toBe(200);
    await ok(call('put', `${a.base}/users/${user}`, a.auth, { enabled: false }));
    expect(await status(key)).toBe(401);
  });

  test("disabling the key's environment", async () => {
    const env = await newEnvironment();
    expect(await decide(env.auth, 'upload:upload')).toBe('ALLOWED');
    await ok(call('put', `${a.base}/sub_accounts/${env.id}`, a.auth, { enabled: false }));
    expect(await decide(env.auth, 'upload:upload')).toBe('ENVIRONMENT_DISABLED');
  });

  test("setting the account's allowlist, and removing it", async () => {
    const env = await newEnvironment();
    expect(await status(env.auth)).toBe(200);
    // Set from inside the list, or the change would lock its caller out (409); the keys are then used from outside it.
    const fromInside = (allowed_ips: unknown) =>
      ok(call('put', `${a.base}/security`, a.auth, { allowed_ips }).set('x-forwarded-for', '203.0.113.5'));
    await fromInside(['203.0.113.0/24']);
    expect(await status(env.auth)).toBe(401);
    await fromInside('any');
    expect(await status(env.auth)).toBe(200);
  });

  test('rotating with no grace period: the old secret fails on the next request, the new one works', async () => {
    const key = await newAccountKey();
    expect(await status(key)).toBe(200);
    const rotated = await ok(call('post', `${a.base}/account_api_keys/${key[0]}/rotate`, a.auth, { grace_seconds: 0 }));
    expect([await status(key), await status(credentials(rotated))]).toEqual([401, 200]);
  });

  test('deleting a key', async () => {
    const env = await newEnvironment();
    const key = credentials(await ok(call('post', env.keys, a.auth, { name: 'doomed' })));
    expect(await status(key)).toBe(200);
    await ok(call('delete', `${env.keys}/${key[0]}`, a.auth));
    expect(await status(key)).toBe(401);
  });

  test('a leak report, which comes through no account route', async () => {
    const key = await newAccountKey();
    expect(await status(key)).toBe(200);
    await ok(call('post', '/v1_1/leaks', null, { secrets: [key[1]] }));
    await server.app.get(LeakService).settled();
    expect(await status(key)).toBe(401);
  });
});

describe('changes made behind the cache (the CLI, another instance without Redis)', () => {
  let short: TestServer;
  let owner: TestAccount;
  beforeAll(async () => {
    short = await startServer({ KEY_CACHE_TTL_SECONDS: '1' });
    owner = await short.newAccount('Short cache');
  });
  afterAll(() => short.close());

  test('are seen once the entry reaches its maximum age', async () => {
    expect(await status(owner.auth, short)).toBe(200);
    await short.app.get(DataSource).getRepository(ApiKeyEntity).update({ apiKey: owner.api_key }, { enabled: false });
    // Still cached: this instance was not told.
    expect(await status(owner.auth, short)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await status(owner.auth, short)).toBe(401);
  });
});

describe('while the database cannot be read', () => {
  let cut: TestServer;
  let owner: TestAccount;
  let uncached: Credentials;
  beforeAll(async () => {
    cut = await startServer();
    owner = await cut.newAccount('Database outage');
    uncached = credentials(
      await okBody(
        cut
          .http()
          .post(`${owner.base}/account_api_keys`)
          .auth(...owner.auth)
          .send({ name: 'never used' }),
      ),
    );
    // The outage logs an error by design.
    Logger.overrideLogger(false);
  });
  afterAll(async () => {
    Logger.overrideLogger(['error']);
    await cut.close();
  });

  test('cached keys keep verifying, others fail closed with 503, and it recovers without a restart', async () => {
    expect(await status(owner.auth, cut)).toBe(200);
    const dataSource = cut.app.get(DataSource);
    await dataSource.destroy();
    try {
      expect(await status(owner.auth, cut)).toBe(200);
      for (const auth of [uncached, ['100000000000009', owner.auth[1]] as const]) {
        expectErrorMessage(await cut.http().get('/v1_1/keys/self').auth(auth[0], auth[1]), 503, 'Service unavailable');
      }
    } finally {
      await dataSource.initialize();
    }
    // Nothing was cached from the failed lookups.
    expect(await status(uncached, cut)).toBe(200);
  });
});

const REDIS_URL = 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` for at most a second, the bound docs/operations.md promises for instances sharing a Redis. */
async function withinASecond<T>(probe: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 1000;
  let seen = await probe();
  while (seen !== expected && Date.now() < deadline) {
    await sleep(20);
    seen = await probe();
  }
  return seen;
}

withServices('two instances over one Redis', () => {
  let dir: string;
  let one: TestServer;
  let two: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'castellan-cache-'));
    const shared = {
      DATABASE_URL: process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'shared.sqlite')}`,
      SECRET_PEPPER: 'a pepper for the key cache tests, 32+ characters',
      REDIS_URL,
    };
    one = await startServer(shared);
    two = await startServer(shared);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('each verifies keys with its own cache, though both run in one process', async () => {
    // Were the Basic strategy registered in Passport's process-wide registry, the instance made last (two) would
    // verify for both, and a change made on one would reach that cache through Redis only, after the next request.
    const owner = await one.newAccount('Own caches');
    const key = credentials(
      await okBody(
        one
          .http()
          .post(`${owner.base}/account_api_keys`)
          .auth(...owner.auth)
          .send({ name: 'own' }),
      ),
    );
    const lookups = [one, two].map((instance) => countCalls(instance.app.get(ApiKeyRepository), 'findForVerification'));
    try {
      expect(await status(key, one)).toBe(200);
      expect(lookups.map((calls) => calls.count())).toEqual([1, 0]);
      expect(await status(key, two)).toBe(200);
      expect(lookups.map((calls) => calls.count())).toEqual([1, 1]);
    } finally {
      for (const calls of lookups) calls.restore();
    }
  });

  test('a change made on one drops the entries of the other within a second', async () => {
    const owner = await one.newAccount('Two instances');
    const key = credentials(
      await okBody(
        one
          .http()
          .post(`${owner.base}/account_api_keys`)
          .auth(...owner.auth)
          .send({ name: 'shared' }),
      ),
    );
    expect([await status(key, one), await status(key, two)]).toEqual([200, 200]);
    await okBody(
      one
        .http()
        .put(`${owner.base}/account_api_keys/${key[0]}`)
        .auth(...owner.auth)
        .send({ enabled: false }),
    );
    expect(await status(key, one)).toBe(401);
    expect(await withinASecond(() => status(key, two), 401)).toBe(401);
  });
});

withServices('the invalidation channel', () => {
  // A channel of this run's own, so that runs sharing the Redis never drop each other's entries.
  const channel = `castellan-test-key-cache-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  let inspector: Redis;
  const started: KeyCacheInvalidator[] = [];
  /** An instance's cache and invalidator, as the credentials module makes them, its subscriber named for CLIENT KILL. */
  function instance(name: string): { cache: KeyCache; invalidator: KeyCacheInvalidator } {
    const cache = new KeyCache(60_000);
    const publisher = connectRedis(REDIS_URL);
    const invalidator = new KeyCacheInvalidator(cache, {
      publisher,
      subscriber: publisher.duplicate({ connectionName: `${channel}-${name}` }),
      channel,
    });
    started.push(invalidator);
    return { cache, invalidator };
  }
  const subscribers = async (): Promise<number> => ((await inspector.pubsub('NUMSUB', channel)) as [string, number])[1];
  /** The version the cache answers k1 of account "acc" with: 1 while the first entry is kept. */
  const version = async (cache: KeyCache): Promise<string | undefined> =>
    (await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name;

  beforeAll(async () => {
    inspector = new Redis(REDIS_URL);
    await inspector.ping();
  });
  afterAll(async () => {
    await Promise.all(started.map((invalidator) => invalidator.onApplicationShutdown()));
    await inspector.quit();
  });

  test('a process that publishes as soon as it starts (the CLI) drops the entries of a running instance', async () => {
    const running = instance('running');
    expect(await withinASecond(subscribers, 1)).toBe(1);
    await running.cache.get('k1', loaded(cachedKey('k1', 'acc')));
    const cli = instance('cli');
    await cli.invalidator.invalidate('acc');
    expect(await withinASecond(() => version(running.cache), 'v2')).toBe('v2');
  });

  test('a subscriber whose connection was cut subscribes again, and forgets what it may have missed meanwhile', async () => {
    const [one, two] = [instance('one'), instance('two')];
    expect(await withinASecond(subscribers, started.length)).toBe(started.length);
    await two.cache.get('k1', loaded(cachedKey('k1', 'acc')));
    const line = ((await inspector.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${channel}-two `));
    await inspector.client('KILL', 'ID', /^id=(\d+) /.exec(line ?? '')![1]!);
    // Forgotten once it is back (the first answer after that is the second load), and subscribed again.
    expect(await withinASecond(() => version(two.cache), 'v2')).toBe('v2');
    expect(await withinASecond(subscribers, started.length)).toBe(started.length);
    await two.cache.get('k2', loaded(cachedKey('k2', 'acc')));
    await one.invalidator.invalidate('acc');
    expect(await withinASecond(async () => (await two.cache.get('k2', loaded(cachedKey('k2', 'acc', 2))))?.principal.name, 'v2')).toBe(
      'v2',
    );
  });
});

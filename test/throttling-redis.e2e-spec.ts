import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { loadConfig } from '@castellan/core';
import { AuthThrottle, connectRedis, LimiterStore, RequestLimiter } from '@castellan/throttling';
import { describeWith, REDIS } from './support/services.js';

const withServices = await describeWith(import.meta.url, REDIS);

// Throttling state shared by instances through Redis (REDIS_URL), and what happens when Redis is away. Two
// instances are two stores over two connections, as two servers would hold them. Redis must answer on
// 127.0.0.1:6379 (CI starts it): when it does not, this suite skips, saying so.

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Nothing listens there. */
const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';
/** Every key of this run starts with it, so that runs sharing the Redis never see each other's counters. */
const NAMESPACE = `castellan-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const config = loadConfig({ SECRET_PEPPER: 'a pepper for tests only, 32+ characters long', REDIS_URL });

interface Instance {
  store: LimiterStore;
  throttle: AuthThrottle;
  requests: RequestLimiter;
}
const instance = (redis: Redis): Instance => {
  const store = new LimiterStore(redis, NAMESPACE);
  return { store, throttle: new AuthThrottle(store, config), requests: new RequestLimiter(store) };
};

/** A connection as the server opens it, once it is ready; fails when Redis refuses it or does not answer. */
async function connected(url: string): Promise<Redis> {
  const redis = connectRedis(url);
  try {
    // `once` rejects on the connection's first error.
    await once(redis, 'ready', { signal: AbortSignal.timeout(5000) });
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${url} does not answer (start it; CI does): ${(error as Error).message}`, { cause: error });
  }
}

let inspector: Redis;
let one: Instance;
let two: Instance;
beforeAll(async () => {
  // The outage test logs a warning by design.
  Logger.overrideLogger(['error']);
  inspector = await connected(REDIS_URL);
  [one, two] = [instance(await connected(REDIS_URL)), instance(await connected(REDIS_URL))];
});
afterAll(async () => {
  await Promise.all([one?.store.onApplicationShutdown(), two?.store.onApplicationShutdown()]);
  const keys = inspector ? await inspector.keys(`${NAMESPACE}:*`) : [];
  if (keys.length > 0) await inspector.del(...keys);
  await inspector?.quit();
});

withServices('two instances over one Redis', () => {
  test('share failed authentications per address: the failures one counted block on the other', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 10; i++) expect((await one.throttle.recordFailure(ip, null)).retryAfterSeconds).toBe(0);
    expect(await two.throttle.recordFailure(ip, null)).toEqual({ retryAfterSeconds: 1, blockStarted: true });
    expect(await one.throttle.ipBlockedFor(ip)).toBe(1);
    // The counters are in Redis, under the run's namespace.
    expect(await inspector.keys(`${NAMESPACE}:auth-failures:ip:*`)).toEqual([`${NAMESPACE}:auth-failures:ip:${ip}`]);
  });

  test('share failed authentications per api_key, and a blocked key is not counted again', async () => {
    const apiKey = '123451234512345';
    for (let i = 0; i < 10; i++) {
      const by = i % 2 === 0 ? one : two;
      expect((await by.throttle.recordFailure(`203.0.113.${20 + i}`, apiKey)).retryAfterSeconds).toBe(0);
    }
    expect(await one.throttle.recordFailure('203.0.113.40', apiKey)).toEqual({ retryAfterSeconds: 1, blockStarted: true });
    expect(await two.throttle.recordFailure('203.0.113.41', apiKey)).toEqual({ retryAfterSeconds: 1, blockStarted: false });
  });

  test('share request limits', async () => {
    const limit = { points: 3, durationSeconds: 60 };
    const answers = [
      await one.requests.consume('key', 'k1', limit),
      await two.requests.consume('key', 'k1', limit),
      await one.requests.consume('key', 'k1', limit),
      await two.requests.consume('key', 'k1', limit),
    ];
    expect(answers.map((a) => [a.allowed, a.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(answers[3]!.headers).toEqual({
      'X-FeatureRateLimit-Limit': '3',
      'X-FeatureRateLimit-Remaining': '0',
      'X-FeatureRateLimit-Reset': answers[3]!.resetAt.toUTCString(),
      'Retry-After': String(answers[3]!.retryAfterSeconds),
    });
    // Another id, or the same id in another bucket, has its own window.
    expect((await two.requests.consume('key', 'k2', limit)).remaining).toBe(2);
    expect((await two.requests.consume('leaks', 'k1', limit)).remaining).toBe(2);
  });
});

withServices('with Redis unreachable', () => {
  let cut: Instance;
  beforeAll(() => {
    cut = instance(connectRedis(UNREACHABLE_REDIS_URL));
  });
  afterAll(() => cut.store.onApplicationShutdown());

  test('each instance keeps throttling and limiting in its own memory', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 10; i++) expect((await cut.throttle.recordFailure(ip, null)).retryAfterSeconds).toBe(0);
    expect(await cut.throttle.recordFailure(ip, null)).toEqual({ retryAfterSeconds: 1, blockStarted: true });
    expect(await cut.throttle.ipBlockedFor(ip)).toBe(1);

    const limit = { points: 1, durationSeconds: 60 };
    expect((await cut.requests.consume('key', 'k3', limit)).allowed).toBe(true);
    expect((await cut.requests.consume('key', 'k3', limit)).allowed).toBe(false);
  });
});

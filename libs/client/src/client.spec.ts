import { createServer } from 'node:http';
import type { DecisionDto, KeySelfDto, REFUSED_KEY_REASONS } from '@castellan/decisions';
import { allow, deny, type Rule } from '../../../test/support/http.js';
import {
  basic,
  deadUrl,
  type LiveCastellan,
  type LiveKey,
  silentServer,
  startLiveCastellan,
} from '../../../test/support/live-castellan.js';
import {
  BadRequestError,
  CastellanErrorCode,
  CastellanTimeoutError,
  CastellanUnreachableError,
  createCastellanClient,
  type Decision,
  InvalidCredentialsError,
  type KeySelf,
  RateLimitedError,
} from './index.js';

// The client against a real Castellan on a port; outages are a closed port, a server that never answers and a
// load balancer with no instance behind it.

/** Uploads anywhere, deletions outside prod/ only. */
const NARROW: Rule[] = [allow('upload:*'), { ...deny('upload:destroy'), conditions: { folder: { $regex: '^prod/' } } }];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Checked when the suite compiles: the client's types are the API's own (refused keys' reasons come only from simulations). */
type RealReason = Exclude<DecisionDto['reason'], (typeof REFUSED_KEY_REASONS)[number]>;
const PARITY: [Same<Decision, Omit<DecisionDto, 'reason'> & { reason: RealReason }>, Same<KeySelf, KeySelfDto>] = [true, true];

let castellan: LiveCastellan;
let narrow: LiveKey;
let client: ReturnType<typeof createCastellanClient>;

beforeAll(async () => {
  // The client forwards its callers' addresses; this Castellan believes them from the test's own address.
  castellan = await startLiveCastellan({ TRUST_PROXY: '127.0.0.1' });
  narrow = await castellan.newKey({ rules: NARROW });
  client = createCastellanClient({ baseUrl: castellan.url });
});
afterAll(() => castellan.close());

const upload = (key: LiveKey, resource?: Record<string, unknown>) => ({
  authorization: key.authorization,
  action: 'upload:upload',
  cloudName: castellan.env.cloud_name,
  resource,
});
const destroy = (key: LiveKey, folder: string) => ({ ...upload(key, { folder }), action: 'upload:destroy' });
const decisionOf = (key: LiveKey, allowed: boolean, reason: Decision['reason'], rule: number | null): Decision => ({
  allowed,
  reason,
  key: { api_key: key.api_key, name: key.name, kind: 'environment' },
  environment: { id: castellan.env.id, cloud_name: castellan.env.cloud_name },
  rule,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("has the API's shapes", () => {
  expect(PARITY).toEqual([true, true]);
});

describe('options', () => {
  it.each([
    [{ baseUrl: 'castellan:3000' }, TypeError, 'baseUrl must be http or https, not castellan:'],
    [{ baseUrl: '/v1_1' }, TypeError, 'baseUrl must be an absolute http(s) URL, not "/v1_1"'],
    [{ baseUrl: 'http://c', timeoutMs: 0 }, RangeError, 'timeoutMs must be a whole number from 1 to 600000, not 0'],
    [{ baseUrl: 'http://c', cache: { ttlMs: 5001 } }, RangeError, 'cache.ttlMs must be a whole number from 1 to 5000, not 5001'],
    [{ baseUrl: 'http://c', cache: { ttlMs: 0.5 } }, RangeError, 'cache.ttlMs must be a whole number from 1 to 5000, not 0.5'],
    [
      { baseUrl: 'http://c', cache: { ttlMs: 1000, maxEntries: 0 } },
      RangeError,
      'cache.maxEntries must be a whole number from 1 to 1000000, not 0',
    ],
  ])('refuses %j', (options, type, message) => {
    expect(() => createCastellanClient(options)).toThrow(new type(message));
  });
});

describe('authorize', () => {
  it("returns Castellan's decision", async () => {
    await expect(client.authorize(upload(narrow))).resolves.toEqual(decisionOf(narrow, true, 'ALLOWED', 0));
    await expect(client.authorize(destroy(narrow, 'prod/cats'))).resolves.toEqual(decisionOf(narrow, false, 'DENIED_BY_RULE', 1));
    await expect(client.authorize(destroy(narrow, 'staging'))).resolves.toEqual(decisionOf(narrow, true, 'ALLOWED', 0));
  });

  it('says which environment a decision is for', async () => {
    const decision = await client.authorize({ ...upload(narrow), cloudName: castellan.otherEnv.cloud_name });
    expect(decision).toMatchObject({ allowed: false, reason: 'WRONG_ENVIRONMENT' });
  });

  it.each([
    ['a wrong secret', () => basic(narrow.api_key, 'x'.repeat(32))],
    ['no credentials', () => ''],
    ['a bearer token', () => 'Bearer abc'],
  ])('throws InvalidCredentialsError for %s', async (_what, authorization) => {
    const error = await client.authorize({ ...upload(narrow), authorization: authorization() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(error).toMatchObject({ code: CastellanErrorCode.InvalidCredentials, status: 401, message: 'Invalid credentials' });
  });

  it("throws BadRequestError with Castellan's message for an action outside the catalogue", async () => {
    const error = await client.authorize({ ...upload(narrow), action: 'upload:detonate' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: CastellanErrorCode.BadRequest, status: 400, message: expect.stringContaining('upload:detonate') });
  });

  it("throws RateLimitedError with Castellan's Retry-After past the key's limit", async () => {
    const limited = await castellan.newKey({ settings: { rate_limit_per_minute: 1 } });
    await client.authorize(upload(limited));
    const error = await client.authorize(upload(limited)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({
      code: CastellanErrorCode.RateLimited,
      status: 429,
      message: expect.stringMatching(/^Rate limit exceeded/),
    });
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it("sends the caller's address, which the key's allowlist then applies to", async () => {
    const fenced = await castellan.newKey({ settings: { allowed_ips: ['10.1.2.0/24'] } });
    await expect(client.authorize({ ...upload(fenced), clientIp: '10.1.2.3' })).resolves.toMatchObject({ allowed: true });
    await expect(client.authorize({ ...upload(fenced), clientIp: '10.9.9.9' })).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('throws CastellanUnreachableError when nothing listens', async () => {
    const url = await deadUrl();
    const error = await createCastellanClient({ baseUrl: url })
      .authorize(upload(narrow))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CastellanUnreachableError);
    expect(error).toMatchObject({
      code: CastellanErrorCode.Unreachable,
      status: null,
      message: expect.stringContaining(`Castellan is unreachable at ${url}/v1_1/authorize`),
    });
  });

  it('throws CastellanUnreachableError for a 5xx, such as a load balancer with no instance behind it', async () => {
    const balancer = createServer((_req, res) =>
      res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503 Service Unavailable</h1>'),
    );
    await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = balancer.address() as { port: number };
      const error = await createCastellanClient({ baseUrl: `http://127.0.0.1:${port}` })
        .authorize(upload(narrow))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CastellanUnreachableError);
      expect(error).toMatchObject({ status: 503, message: 'Castellan answered 503: Castellan answered 503' });
    } finally {
      await new Promise((resolve) => balancer.close(resolve));
    }
  });

  it('throws CastellanTimeoutError when Castellan does not answer in time', async () => {
    const silent = await silentServer();
    try {
      const error = await createCastellanClient({ baseUrl: silent.url, timeoutMs: 150 })
        .authorize(upload(narrow))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CastellanTimeoutError);
      expect(error).toMatchObject({
        code: CastellanErrorCode.Timeout,
        status: null,
        message: `Castellan did not answer POST ${silent.url}/v1_1/authorize within 150 ms`,
      });
    } finally {
      await silent.close();
    }
  });
});

describe('authorizeBatch', () => {
  it("answers in order, for several callers' credentials", async () => {
    const open = await castellan.newKey();
    const decisions = await client.authorizeBatch([
      destroy(narrow, 'prod/a'),
      destroy(open, 'prod/a'),
      upload(narrow),
      destroy(narrow, 'dev'),
    ]);
    expect(decisions).toEqual([
      decisionOf(narrow, false, 'DENIED_BY_RULE', 1),
      decisionOf(open, true, 'ALLOWED', 0),
      decisionOf(narrow, true, 'ALLOWED', 0),
      decisionOf(narrow, true, 'ALLOWED', 0),
    ]);
  });

  it("splits more checks than Castellan's 100 a call into several calls", async () => {
    const checks = Array.from({ length: 250 }, (_, i) => destroy(narrow, i % 2 ? 'prod/x' : 'dev'));
    const decisions = await client.authorizeBatch(checks);
    expect(decisions.map((d) => d.allowed)).toEqual(checks.map((_, i) => i % 2 === 0));
  });

  it("rejects when any caller's credentials are refused", async () => {
    await expect(
      client.authorizeBatch([upload(narrow), { ...upload(narrow), authorization: basic(narrow.api_key, 'y'.repeat(32)) }]),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('answers an empty list without a call', async () => {
    await expect(createCastellanClient({ baseUrl: await deadUrl() }).authorizeBatch([])).resolves.toEqual([]);
  });
});

describe('self', () => {
  it('returns the calling key with its rules', async () => {
    await expect(client.self(narrow.authorization)).resolves.toEqual({
      api_key: narrow.api_key,
      name: narrow.name,
      kind: 'environment',
      account_id: castellan.account.account_id,
      environment: { id: castellan.env.id, cloud_name: castellan.env.cloud_name },
      rules: NARROW,
      default: false,
    });
  });

  it('throws InvalidCredentialsError for unknown credentials', async () => {
    await expect(client.self(basic('123456789012345', 'z'.repeat(32)))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });
});

describe('decision cache', () => {
  // Each test narrows its own key after a first decision: a cached decision is the old one.
  const fresh = () => castellan.newKey({ rules: [allow('upload:*')] });
  const denyAll = (key: LiveKey) => castellan.setRules(key, [deny('upload:*')]);

  it('is off by default: a narrowed key is refused on the next call', async () => {
    const key = await fresh();
    expect((await client.authorize(upload(key))).allowed).toBe(true);
    await denyAll(key);
    expect((await client.authorize(upload(key))).allowed).toBe(false);
  });

  it('reuses a decision for ttlMs, then asks again', async () => {
    const cached = createCastellanClient({ baseUrl: castellan.url, cache: { ttlMs: 1500 } });
    const key = await fresh();
    const started = Date.now();
    expect((await cached.authorize(upload(key))).allowed).toBe(true);
    await denyAll(key);
    const reused = (await cached.authorize(upload(key))).allowed;
    // Only a reuse within the entry's lifetime proves anything; a slow machine may have let it expire.
    if (Date.now() - started < 1500) expect(reused).toBe(true);
    await sleep(1600);
    expect((await cached.authorize(upload(key))).allowed).toBe(false);
  });

  it('keys entries by credentials, action, environment, resource and address', async () => {
    const cached = createCastellanClient({ baseUrl: castellan.url, cache: { ttlMs: 5000 } });
    const [key, other] = [await fresh(), await fresh()];
    const base = { ...upload(key), resource: { folder: 'a', tags: ['x'] } };
    expect((await cached.authorize(base)).allowed).toBe(true);
    await denyAll(key);
    await denyAll(other);
    // The same question, its resource's keys in another order: the cached answer.
    expect((await cached.authorize({ ...base, resource: { tags: ['x'], folder: 'a' } })).allowed).toBe(true);
    for (const variant of [
      { ...base, authorization: other.authorization },
      { ...base, action: 'upload:rename' },
      { ...base, cloudName: castellan.otherEnv.cloud_name },
      { ...base, resource: { folder: 'b', tags: ['x'] } },
      { ...base, clientIp: '127.0.0.1' },
    ]) {
      expect((await cached.authorize(variant)).allowed).toBe(false);
    }
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cached = createCastellanClient({ baseUrl: castellan.url, cache: { ttlMs: 5000, maxEntries: 2 } });
    const key = await fresh();
    const ask = (action: string) => cached.authorize({ ...upload(key), action });
    for (const action of ['upload:upload', 'upload:rename', 'upload:upload', 'upload:tags']) await ask(action);
    await denyAll(key);
    // upload:rename was the least recently used when upload:tags came in.
    expect((await ask('upload:upload')).allowed).toBe(true);
    expect((await ask('upload:tags')).allowed).toBe(true);
    expect((await ask('upload:rename')).allowed).toBe(false);
  });

  it('never keeps a refusal of the credentials: a key enabled again works at once', async () => {
    const cached = createCastellanClient({ baseUrl: castellan.url, cache: { ttlMs: 5000 } });
    const key = await fresh();
    await castellan.update(key, { enabled: false });
    await expect(cached.authorize(upload(key))).rejects.toBeInstanceOf(InvalidCredentialsError);
    await castellan.update(key, { enabled: true });
    expect((await cached.authorize(upload(key))).allowed).toBe(true);
  });

  it('serves a batch from the cache and asks only for the rest', async () => {
    const cached = createCastellanClient({ baseUrl: castellan.url, cache: { ttlMs: 5000 } });
    const key = await fresh();
    await cached.authorize(upload(key));
    await denyAll(key);
    const decisions = await cached.authorizeBatch([upload(key), { ...upload(key), action: 'upload:rename' }]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, false]);
    // Batch answers are cached too.
    await castellan.setRules(key, [allow('upload:*')]);
    expect((await cached.authorize({ ...upload(key), action: 'upload:rename' })).allowed).toBe(false);
    cached.clearCache();
    expect((await cached.authorize({ ...upload(key), action: 'upload:rename' })).allowed).toBe(true);
  });
});

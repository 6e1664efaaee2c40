import { AuditRecorder } from '@castellan/audit';
import { LastUseRecorder } from '@castellan/credentials';
import { expectUnchanged, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { bind, Credentials, expectErrorMessage, expectUnauthorized, Form, Json, ok, okBody, Payload } from './support/http.js';

// IP allowlists of keys and of accounts, and TRUST_PROXY. Supertest connects from loopback (127.0.0.1, or
// ::ffff:127.0.0.1 on a dual-stack socket): a list holding 127.0.0.0/8 admits this suite, any other refuses it.
// Each server runs in its own describe block, one after the other: TypeORM keeps process-wide state.

let server: TestServer;
const { call } = bind(() => server);

const LOOPBACK = '127.0.0.0/8';
/** A client outside loopback as a proxy names it, and a range holding it (TEST-NET-3, RFC 5737). */
const OUTSIDE = '203.0.113.9';
const OUTSIDE_RANGE = '203.0.113.0/24';

const lockOut = (address: string) =>
  `allowed_ips does not include ${address}, the address of this request: the change would lock the caller out`;

/** `call`, as forwarded by a proxy for the client `from` (no header when undefined). */
function via(from: string | undefined, ...request: Parameters<typeof call>) {
  const req = call(...request);
  return from === undefined ? req : req.set('X-Forwarded-For', from);
}

/** A request any valid key may make: it shows whether authentication let the key in. */
const self = (auth: Credentials, from?: string) => via(from, 'get', '/v1_1/keys/self', auth);

const KINDS = ['environment', 'account', 'user'] as const;
type Kind = (typeof KINDS)[number];
const LIST_FIELD: Record<Kind, string> = { environment: 'access_keys', account: 'account_api_keys', user: 'api_keys' };

/** An account with a product environment and a user: somewhere to make every kind of key. */
interface Tenant {
  account: TestAccount;
  collection: Record<Kind, string>;
}

async function newTenant(name: string): Promise<Tenant> {
  const account = await server.newAccount(name);
  const env = await okBody(call('post', `${account.base}/sub_accounts`, account.auth, { name: 'Env', cloud_name: uniqueCloudName('ip') }));
  const user = await okBody(
    call('post', `${account.base}/users`, account.auth, {
      name: 'Ada',
      email: `${uniqueCloudName('ada')}@example.com`,
      role: 'master_admin',
    }),
  );
  return {
    account,
    collection: {
      environment: `${account.base}/sub_accounts/${env.id}/access_keys`,
      account: `${account.base}/account_api_keys`,
      user: `${account.base}/users/${user.id}/api_keys`,
    },
  };
}

interface Key {
  api_key: string;
  auth: Credentials;
  path: string;
  body: Json;
}

/** A key made by the account's root key; `from` sends the request through the proxy header. */
async function newKey(t: Tenant, kind: Kind, payload: Payload = {}, from?: string): Promise<Key> {
  const body = ok(await via(from, 'post', t.collection[kind], t.account.auth, payload));
  return { api_key: body.api_key, auth: [body.api_key, body.api_secret], path: `${t.collection[kind]}/${body.api_key}`, body };
}

const keysOf = async (t: Tenant, kind: Kind, from?: string): Promise<Json[]> =>
  ok(await via(from, 'get', `${t.collection[kind]}?page_size=1000`, t.account.auth))[LIST_FIELD[kind]];

/** A key as its list shows it. */
const listed = async (t: Tenant, kind: Kind, apiKey: string, from?: string): Promise<Json> =>
  (await keysOf(t, kind, from)).find((k) => k.api_key === apiKey);

/** What a refused change must leave alone (not the last use, which the background flush may write meanwhile). */
const settingsOf = async (t: Tenant, kind: Kind, apiKey: string): Promise<Json> => {
  const { allowed_ips, updated_at } = await listed(t, kind, apiKey);
  return { allowed_ips, updated_at };
};

/** The latest failed authentication of a key, from its account's audit log. */
async function lastAuthFailure(t: Tenant, apiKey: string, from?: string): Promise<Json> {
  await server.app.get(AuditRecorder).settled();
  return ok(await via(from, 'get', `${t.account.base}/audit_events?action=authentication&actor=${apiKey}`, t.account.auth)).events[0];
}

function expectRefusedForIp(event: Json, apiKey: string, kind: Kind): void {
  expect(event).toMatchObject({
    actor: { api_key: apiKey, kind },
    action: 'authentication',
    outcome: 'failure',
    status: 401,
    reason: 'IP_NOT_ALLOWED',
  });
}

const securityPath = (t: Tenant) => `${t.account.base}/security`;
const readAllowedIps = async (t: Tenant): Promise<Json> => ok(await call('get', securityPath(t), t.account.auth)).allowed_ips;
const putSecurity = async (t: Tenant, body: Payload, from?: string): Promise<Json> =>
  ok(await via(from, 'put', securityPath(t), t.account.auth, body));

/** Every way allowed_ips can be wrong, and the message that names it. */
const BAD_RANGES: [string, unknown, string][] = [
  ['a prefix past 32', ['10.0.0.0/33'], 'allowed_ips: "10.0.0.0/33" has a prefix length outside 0..32'],
  ['a prefix past 128', '2001:db8::/129', 'allowed_ips: "2001:db8::/129" has a prefix length outside 0..128'],
  ['no address', ['10.0.0.0/8', 'not-an-ip'], 'allowed_ips: "not-an-ip" is not an IPv4 or IPv6 address or CIDR range'],
  ['two prefixes', '1.2.3.4/8/9', 'allowed_ips: "1.2.3.4/8/9" is not an IPv4 or IPv6 address or CIDR range'],
  ['a number', 5, 'allowed_ips: "5" is not an IPv4 or IPv6 address or CIDR range'],
  ['a number in the list', ['10.0.0.0/8', 7], 'allowed_ips: "7" is not an IPv4 or IPv6 address or CIDR range'],
  ['an object', { ip: '10.0.0.1' }, 'allowed_ips: "{\\"ip\\":\\"10.0.0.1\\"}" is not an IPv4 or IPv6 address or CIDR range'],
  ['more than 100 ranges', Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`), 'allowed_ips: at most 100 ranges are allowed, got 101'],
  ['only separators', ' , ', 'allowed_ips must be a list of IPv4/IPv6 addresses or CIDR ranges, or "any"'],
];

describe('TRUST_PROXY off (the default)', () => {
  let t: Tenant;
  let intruder: TestAccount;
  beforeAll(async () => {
    server = await startServer();
    t = await newTenant('Allowlists');
    intruder = await server.newAccount('Intruder');
  });
  afterAll(() => server.close());

  describe.each(KINDS)('%s keys', (kind) => {
    test("a key allowed only 10.0.0.0/8 is refused with 401, and its account's audit log says why", async () => {
      const key = await newKey(t, kind, { allowed_ips: ['10.0.0.0/8'] });
      expect(key.body.allowed_ips).toEqual(['10.0.0.0/8']);
      expectUnauthorized(await self(key.auth));
      expectRefusedForIp(await lastAuthFailure(t, key.api_key), key.api_key, kind);
    });

    test.each<[string, Payload, string[]]>([
      ['a single address', { allowed_ips: ['127.0.0.1'] }, ['127.0.0.1/32']],
      [
        'a range with host bits, in a form body with an IPv6 range',
        new Form('allowed_ips=127.1.2.3/8,2001:DB8::/32'),
        [LOOPBACK, '2001:db8::/32'],
      ],
      ['an IPv4-mapped IPv6 address', { allowed_ips: '::ffff:127.0.0.1' }, ['127.0.0.1/32']],
      ['repeated ranges', { allowed_ips: [LOOPBACK, '127.0.0.0/8', '127.0.0.1/8'] }, [LOOPBACK]],
    ])('a key allowed loopback as %s works; its list is stored normalised', async (_, payload, stored) => {
      const key = await newKey(t, kind, payload);
      expect(key.body.allowed_ips).toEqual(stored);
      ok(await self(key.auth));
      expect((await listed(t, kind, key.api_key)).allowed_ips).toEqual(stored);
    });

    test('a change applies on the next request; other changes keep the list; "any" and [] remove it', async () => {
      const key = await newKey(t, kind);
      const put = async (body: Payload): Promise<Json> => (await okBody(call('put', key.path, t.account.auth, body))).allowed_ips;
      ok(await self(key.auth));
      expect(await put({ allowed_ips: ['10.0.0.0/8'] })).toEqual(['10.0.0.0/8']);
      expectUnauthorized(await self(key.auth));
      expect(await put({ description: 'still narrowed', allowed_ips: '' })).toEqual(['10.0.0.0/8']);
      expectUnauthorized(await self(key.auth));
      expect(await put({ allowed_ips: 'any' })).toBeNull();
      ok(await self(key.auth));
      expect(await put(new Form('allowed_ips=10.0.0.0/8'))).toEqual(['10.0.0.0/8']);
      expectUnauthorized(await self(key.auth));
      expect(await put({ allowed_ips: [] })).toBeNull();
      ok(await self(key.auth));
      expect((await listed(t, kind, key.api_key)).allowed_ips).toBeNull();
    });

    test('X-Forwarded-For is not believed: a key allowed only 203.0.113.0/24 is refused even with it', async () => {
      const key = await newKey(t, kind, { allowed_ips: [OUTSIDE_RANGE] });
      expectUnauthorized(await self(key.auth, OUTSIDE));
      const loopbackKey = await newKey(t, kind, { allowed_ips: [LOOPBACK] });
      ok(await self(loopbackKey.auth, OUTSIDE));
    });

    test.each(BAD_RANGES)('400 on generate for %s; no key is made', async (_, allowed_ips, message) => {
      await expectUnchanged(
        async () => (await keysOf(t, kind)).length,
        async () => expectErrorMessage(await call('post', t.collection[kind], t.account.auth, { allowed_ips }), 400, message),
      );
    });

    test.each(BAD_RANGES)('400 on update for %s; nothing changes', async (_, allowed_ips, message) => {
      const key = await newKey(t, kind, { allowed_ips: [LOOPBACK] });
      await expectUnchanged(
        () => settingsOf(t, kind, key.api_key),
        async () => expectErrorMessage(await call('put', key.path, t.account.auth, { allowed_ips, description: 'changed' }), 400, message),
      );
    });

    test.each<[string, () => Credentials | undefined]>([
      ['no credentials', () => undefined],
      ["another account's key", () => intruder.auth],
    ])('401 with %s on generate and update; nothing changes', async (_, credentials) => {
      const key = await newKey(t, kind);
      await expectUnchanged(
        () => keysOf(t, kind),
        async () => {
          expectUnauthorized(await call('post', t.collection[kind], credentials(), { allowed_ips: [LOOPBACK] }));
          expectUnauthorized(await call('put', key.path, credentials(), { allowed_ips: ['10.0.0.0/8'] }));
        },
      );
    });
  });

  describe('a key changing its own list', () => {
    // Environment keys hold no provisioning action, so only account and user keys can reach their own.
    test.each(['account', 'user'] as const)('%s key: 409 for a list without its own address; a list with it works', async (kind) => {
      const key = await newKey(t, kind);
      await expectUnchanged(
        () => settingsOf(t, kind, key.api_key),
        async () => {
          const res = await call('put', key.path, key.auth, { allowed_ips: ['10.0.0.0/8'] });
          expectErrorMessage(res, 409, lockOut('127.0.0.1'));
          expect(res.body.error.path).toBe('allowed_ips');
        },
      );
      ok(await self(key.auth));
      expect((await okBody(call('put', key.path, key.auth, { allowed_ips: ['10.0.0.0/8', LOOPBACK] }))).allowed_ips).toEqual([
        '10.0.0.0/8',
        LOOPBACK,
      ]);
      ok(await self(key.auth));
      expect((await okBody(call('put', key.path, key.auth, { allowed_ips: 'any' }))).allowed_ips).toBeNull();
      // Another key's list is its caller's to set, even if it leaves the caller's address out.
      const sibling = await newKey(t, kind);
      expect((await okBody(call('put', sibling.path, key.auth, { allowed_ips: ['10.0.0.0/8'] }))).allowed_ips).toEqual(['10.0.0.0/8']);
      expectUnauthorized(await self(sibling.auth));
    });

    test('the root account key is held to it too', async () => {
      const root = `${t.collection.account}/${t.account.api_key}`;
      await expectUnchanged(
        () => settingsOf(t, 'account', t.account.api_key),
        async () =>
          expectErrorMessage(
            await call('put', root, t.account.auth, { allowed_ips: '10.0.0.0/8', name: 'Renamed' }),
            409,
            lockOut('127.0.0.1'),
          ),
      );
    });
  });

  describe('the account list (PUT /security)', () => {
    let s: Tenant;
    beforeAll(async () => (s = await newTenant('Account list')));

    test('409 for a list without the address of the request; nothing changes', async () => {
      await expectUnchanged(
        () => readAllowedIps(s),
        async () =>
          expectErrorMessage(
            await call('put', securityPath(s), s.account.auth, { allowed_ips: ['10.0.0.0/8'], two_factor: 'required' }),
            409,
            lockOut('127.0.0.1'),
          ),
      );
    });

    test('a list holding the caller is stored normalised and every kind of key keeps working; "any" and [] remove it', async () => {
      const keys = await Promise.all(KINDS.map((kind) => newKey(s, kind)));
      expect((await putSecurity(s, { allowed_ips: ['127.0.0.1', '::1', '2001:DB8::/32'] })).allowed_ips).toEqual([
        '127.0.0.1/32',
        '::1/128',
        '2001:db8::/32',
      ]);
      expect(await readAllowedIps(s)).toEqual(['127.0.0.1/32', '::1/128', '2001:db8::/32']);
      for (const key of keys) ok(await self(key.auth));
      expect((await putSecurity(s, { two_factor: 'required' })).allowed_ips).toEqual(['127.0.0.1/32', '::1/128', '2001:db8::/32']);
      expect((await putSecurity(s, { allowed_ips: 'any' })).allowed_ips).toBeNull();
      expect((await putSecurity(s, new Form(`allowed_ips=${LOOPBACK}`))).allowed_ips).toEqual([LOOPBACK]);
      expect((await putSecurity(s, { allowed_ips: [] })).allowed_ips).toBeNull();
      expect(await readAllowedIps(s)).toBeNull();
    });

    test.each(BAD_RANGES)('400 for %s; nothing changes', async (_, allowed_ips, message) => {
      await expectUnchanged(
        () => readAllowedIps(s),
        async () => expectErrorMessage(await call('put', securityPath(s), s.account.auth, { allowed_ips }), 400, message),
      );
    });

    test.each<[string, () => Credentials | undefined]>([
      ['no credentials', () => undefined],
      ["another account's key", () => intruder.auth],
    ])('401 with %s; nothing changes', async (_, credentials) => {
      await expectUnchanged(
        () => readAllowedIps(s),
        async () => expectUnauthorized(await call('put', securityPath(s), credentials(), { allowed_ips: [LOOPBACK] })),
      );
    });
  });
});

describe('TRUST_PROXY=true', () => {
  let t: Tenant;
  beforeAll(async () => {
    server = await startServer({ TRUST_PROXY: 'true' });
    t = await newTenant('Behind a proxy');
  });
  afterAll(() => server.close());

  test(
    'X-Forwarded-For is believed: a key allowed only 203.0.113.0/24 works with it, ' +
      'is refused without, and its last use shows the address',
    async () => {
      const key = await newKey(t, 'environment', { allowed_ips: [OUTSIDE_RANGE] });
      ok(await self(key.auth, OUTSIDE));
      expectUnauthorized(await self(key.auth));
      expectRefusedForIp(await lastAuthFailure(t, key.api_key), key.api_key, 'environment');
      expectUnauthorized(await self(key.auth, '198.51.100.7'));
      expect(await lastAuthFailure(t, key.api_key)).toMatchObject({ ip: '198.51.100.7', reason: 'IP_NOT_ALLOWED' });
      await server.app.get(LastUseRecorder).flush();
      expect(await listed(t, 'environment', key.api_key)).toMatchObject({ last_used_ip: OUTSIDE });
    },
  );

  test('an IPv6 client named by the proxy is matched against IPv6 ranges', async () => {
    const key = await newKey(t, 'account', { allowed_ips: ['2001:db8::/32'] });
    ok(await self(key.auth, '2001:db8::7'));
    expectUnauthorized(await self(key.auth, '2001:db9::7'));
  });

  describe('an account list refuses every key of the account from outside it', () => {
    let keys: { kind: Kind; key: Key }[];
    let envKey: Credentials;
    beforeAll(async () => {
      keys = [];
      for (const kind of KINDS) keys.push({ kind, key: await newKey(t, kind) });
      envKey = keys[0]!.key.auth;
    });

    const authorize = (auth: Credentials, from?: string) => via(from, 'post', '/v1_1/authorize', auth, { action: 'upload:upload' });
    /** The root key and one key of each kind, all of them refused (401) or all of them let in. */
    async function expectEveryKey(from: string | undefined, allowed: boolean): Promise<void> {
      for (const auth of [t.account.auth, ...keys.map(({ key }) => key.auth)]) {
        const res = await self(auth, from);
        if (allowed) ok(res);
        else expectUnauthorized(res);
      }
      const decision = await authorize(envKey, from);
      if (allowed) expect(ok(decision)).toMatchObject({ allowed: true });
      else expectUnauthorized(decision);
    }

    test('409 for a list without the address the proxy names; nothing changes', async () => {
      await expectUnchanged(
        () => readAllowedIps(t),
        async () =>
          expectErrorMessage(
            await via(OUTSIDE, 'put', securityPath(t), t.account.auth, { allowed_ips: [LOOPBACK] }),
            409,
            lockOut(OUTSIDE),
          ),
      );
    });

    test(
      'set from inside it, the list refuses every key (root, account, environment, user) ' + 'and /v1_1/authorize from loopback',
      async () => {
        expect((await putSecurity(t, { allowed_ips: [OUTSIDE_RANGE] }, OUTSIDE)).allowed_ips).toEqual([OUTSIDE_RANGE]);
        await expectEveryKey(undefined, false);
        for (const { kind, key } of keys) expectRefusedForIp(await lastAuthFailure(t, key.api_key, OUTSIDE), key.api_key, kind);
        await expectEveryKey(OUTSIDE, true);
      },
    );

    test('a key allowed loopback by its own list is still refused by the account list', async () => {
      const key = await newKey(t, 'user', { allowed_ips: [LOOPBACK] }, OUTSIDE);
      expectUnauthorized(await self(key.auth));
      expectUnauthorized(await self(key.auth, OUTSIDE));
    });

    test.each<[string, unknown]>([
      ['"any"', 'any'],
      ['[]', []],
    ])('%s removes the list: every key works from loopback again', async (_, allowed_ips) => {
      await putSecurity(t, { allowed_ips: [OUTSIDE_RANGE] }, OUTSIDE);
      await expectEveryKey(undefined, false);
      expect((await putSecurity(t, { allowed_ips }, OUTSIDE)).allowed_ips).toBeNull();
      await expectEveryKey(undefined, true);
    });
  });
});

describe.each<[string, boolean]>([
  ['127.0.0.1/32', true],
  ['::1, 127.0.0.0/8', true],
  ['1', true],
  ['10.0.0.0/8', false],
])('TRUST_PROXY=%s', (trust, believed) => {
  let t: Tenant;
  beforeAll(async () => {
    server = await startServer({ TRUST_PROXY: trust });
    t = await newTenant(`Trusting ${trust}`);
  });
  afterAll(() => server.close());

  if (believed) {
    test('X-Forwarded-For from loopback is believed: the address the proxy appended, not one a client wrote before it', async () => {
      const key = await newKey(t, 'account', { allowed_ips: [OUTSIDE_RANGE] });
      ok(await self(key.auth, OUTSIDE));
      ok(await self(key.auth, `10.9.9.9, ${OUTSIDE}`));
      expectUnauthorized(await self(key.auth, `${OUTSIDE}, 10.9.9.9`));
      expectUnauthorized(await self(key.auth));
      await server.app.get(LastUseRecorder).flush();
      expect(await listed(t, 'account', key.api_key)).toMatchObject({ last_used_ip: OUTSIDE });
    });
  } else {
    test('X-Forwarded-For from loopback, which is not a listed proxy, is ignored', async () => {
      const key = await newKey(t, 'account', { allowed_ips: [OUTSIDE_RANGE] });
      expectUnauthorized(await self(key.auth, OUTSIDE));
      const loopbackKey = await newKey(t, 'account', { allowed_ips: [LOOPBACK] });
      ok(await self(loopbackKey.auth, OUTSIDE));
    });
  }
});

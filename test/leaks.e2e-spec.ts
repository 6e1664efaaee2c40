import { AuditRecorder } from '@castellan/audit';
import { generateSecret } from '@castellan/core';
import { LEAK_REPORT_LIMIT, LeakService } from '@castellan/leaks';
import { expectUnchanged, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import {
  bind,
  Credentials,
  expectErrorMessage,
  expectUnauthorized,
  Form,
  Json,
  ok,
  okBody,
  Payload,
  RawJson,
  twoAccounts,
} from './support/http.js';

// Leak response: POST /v1_1/leaks takes secrets from anyone, with no credentials, and stops the keys they belong
// to. Its answer is the same whether or not a secret matched, so it cannot be used to test secrets.

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

const { call } = bind(() => server);
const OK_BODY = { message: 'ok' };

/** Reports secrets, then waits for the work the answer does not wait for. */
async function report(payload: Payload, credentials?: Credentials) {
  const res = await call('post', '/v1_1/leaks', credentials, payload);
  await server.app.get(LeakService).settled();
  return res;
}
const reportOk = async (...secrets: string[]) => expect(ok(await report({ secrets }))).toEqual(OK_BODY);

/** 200 while the key and secret authenticate, 401 once they do not. */
const self = (credentials: Credentials) => call('get', '/v1_1/keys/self', credentials);
const works = async (credentials: Credentials) => expect((await self(credentials)).status).toBe(200);
const refused = async (credentials: Credentials) => expectUnauthorized(await self(credentials));

const leakEvents = async (owner: TestAccount, as: Credentials = owner.auth): Promise<Json[]> =>
  (await okBody(call('get', `${owner.base}/audit_events?action=leak_report&page_size=200`, as))).events;

/** The audit event of a key a report stopped: no actor (reports carry no credentials), the reporter's address. */
const leakEvent = (apiKey: string, reason: string) => ({
  id: expect.any(String),
  created_at: expect.any(String),
  actor: { api_key: null, kind: null, user_id: null },
  ip: expect.stringMatching(/\S/),
  action: 'leak_report',
  target: { type: 'key', id: apiKey },
  outcome: 'success',
  status: 200,
  reason,
});

const keyOf = (created: Json): Credentials => [created.api_key, created.api_secret];

describe('a reported secret stops its key', () => {
  test("an environment key's: the key is disabled, and the event is in its account's log only", async () => {
    const { owner, other, env, envKey } = await twoAccounts(server, ['Leaky', 'Bystander'], 'lk');
    const keys = `${owner.base}/sub_accounts/${env.id}/access_keys`;
    const spare = keyOf(await okBody(call('post', keys, owner.auth, { name: 'spare' })));
    await works(envKey);

    await reportOk(envKey[1]);

    await refused(envKey);
    await works(spare);
    const listed = (await okBody(call('get', keys, owner.auth))).access_keys as Json[];
    expect(listed.map((k) => [k.api_key, k.enabled]).sort()).toEqual(
      [
        [envKey[0], false],
        [spare[0], true],
      ].sort(),
    );
    const events = await leakEvents(owner);
    expect(events).toEqual([leakEvent(envKey[0], 'LEAKED_SECRET')]);
    expect(JSON.stringify(events)).not.toContain(envKey[1]);
    expect(await leakEvents(other)).toEqual([]);
  });

  test("an account key's, even the account's last enabled one: a leaked secret must stop at once", async () => {
    const owner = await server.newAccount('Leaky account keys');
    const second = keyOf(await okBody(call('post', `${owner.base}/account_api_keys`, owner.auth, { name: 'second' })));

    await reportOk(owner.api_secret);
    await refused(owner.auth);
    const listed = (await okBody(call('get', `${owner.base}/account_api_keys`, second))).account_api_keys as Json[];
    expect(listed.find((k) => k.api_key === owner.api_key)).toMatchObject({ enabled: false });
    expect(await leakEvents(owner, second)).toEqual([leakEvent(owner.api_key, 'LEAKED_SECRET')]);

    // Over HTTP, disabling the last enabled account key is a 409; a leak report disables it all the same.
    expectErrorMessage(await call('put', `${owner.base}/account_api_keys/${second[0]}`, second, { enabled: false }), 409);
    await reportOk(second[1]);
    await refused(second);
  });

  test("a user key's", async () => {
    const owner = await server.newAccount('Leaky people');
    const user = await okBody(
      call('post', `${owner.base}/users`, owner.auth, { name: 'Leaky', email: `leaky-${Date.now()}@example.com`, role: 'admin' }),
    );
    const userKeys = `${owner.base}/users/${user.id}/api_keys`;
    const userKey = keyOf(await okBody(call('post', userKeys, owner.auth, { name: 'laptop' })));
    await works(userKey);

    await reportOk(userKey[1]);

    await refused(userKey);
    await works(owner.auth);
    const listed = (await okBody(call('get', userKeys, owner.auth))).api_keys as Json[];
    expect(listed).toEqual([expect.objectContaining({ api_key: userKey[0], enabled: false })]);
    expect(await leakEvents(owner)).toEqual([leakEvent(userKey[0], 'LEAKED_SECRET')]);
  });

  test('several secrets in one report, duplicates and unknown ones among them, each key once', async () => {
    const owner = await server.newAccount('Leaky batch');
    const made = await Promise.all(
      ['a', 'b'].map(async (name) => keyOf(await okBody(call('post', `${owner.base}/account_api_keys`, owner.auth, { name })))),
    );
    const [a, b] = [made[0]!, made[1]!];

    await reportOk(a[1], generateSecret('account'), b[1], a[1]);

    await refused(a);
    await refused(b);
    await works(owner.auth);
    const events = await leakEvents(owner);
    expect(events.map((e) => e.target.id).sort()).toEqual([a[0], b[0]].sort());
  });

  test('a form body works too, with repeated or comma-joined fields', async () => {
    const owner = await server.newAccount('Leaky forms');
    const made: Credentials[] = [];
    for (const name of ['a', 'b', 'c'])
      made.push(keyOf(await okBody(call('post', `${owner.base}/account_api_keys`, owner.auth, { name }))));
    const [a, b, c] = made as [Credentials, Credentials, Credentials];

    expect(ok(await report(new Form(`secrets=${a[1]}&secrets=${b[1]}`)))).toEqual(OK_BODY);
    expect(ok(await report(new Form(`secrets=${c[1]},${generateSecret('user')}`)))).toEqual(OK_BODY);

    for (const key of made) await refused(key);
    expect(await leakEvents(owner)).toHaveLength(3);
  });
});

describe('a secret a rotation replaced', () => {
  /** An environment key rotated with a grace period: its old secret works until the period ends. */
  async function rotated(grace: number) {
    const { owner, env, envKey } = await twoAccounts(server, ['Rotating', 'Other'], 'lkr');
    const path = `${owner.base}/sub_accounts/${env.id}/access_keys/${envKey[0]}`;
    const fresh = await okBody(call('post', `${path}/rotate`, owner.auth, { grace_seconds: grace }));
    const current: Credentials = [envKey[0], fresh.api_secret];
    const listed = async () =>
      ((await okBody(call('get', `${owner.base}/sub_accounts/${env.id}/access_keys`, owner.auth))).access_keys as Json[]).find(
        (k) => k.api_key === envKey[0],
      );
    return { owner, previous: envKey, current, listed };
  }

  test('ends the grace period at once, and the key keeps working with its current secret', async () => {
    const { owner, previous, current, listed } = await rotated(60);
    await works(previous);
    expect(await listed()).toMatchObject({ enabled: true, previous_secret_expires_at: expect.any(String) });

    await reportOk(previous[1]);

    await refused(previous);
    await works(current);
    expect(await listed()).toMatchObject({ enabled: true, previous_secret_expires_at: null });
    expect(await leakEvents(owner)).toEqual([leakEvent(previous[0], 'LEAKED_PREVIOUS_SECRET')]);
  });

  test('after its grace period, changes nothing and is not recorded', async () => {
    const { owner, previous, current, listed } = await rotated(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await refused(previous);

    await expectUnchanged(listed, () => reportOk(previous[1]));

    await works(current);
    expect(await leakEvents(owner)).toEqual([]);
  });
});

describe('the answer tells nothing', () => {
  test('an unknown well-formed secret gets the same answer as a live one, and nothing changes', async () => {
    const [owner, victim] = [await server.newAccount('Untouched'), await server.newAccount('Victim')];
    // Header values that differ per response anyway (date, request id) aside, the answers are identical.
    const answer = (res: Awaited<ReturnType<typeof report>>) => ({
      status: res.status,
      headers: Object.keys(res.headers).sort(),
      length: res.headers['content-length'],
      body: res.body,
    });
    const live = answer(await report({ secrets: [victim.api_secret] }));
    expect(live).toMatchObject({ status: 200, body: OK_BODY });
    const everything = async () => ({
      keys: (await okBody(call('get', `${owner.base}/account_api_keys`, owner.auth))).account_api_keys,
      events: (await okBody(call('get', `${owner.base}/audit_events?page_size=200`, owner.auth))).events,
    });

    await expectUnchanged(everything, async () => {
      const unknown = await report({ secrets: [generateSecret('account'), generateSecret('environment'), generateSecret('user')] });
      expect(answer(unknown)).toEqual(live);
    });
  });

  test.each<[string, (owner: TestAccount) => Credentials | undefined]>([
    ['no credentials', () => undefined],
    ['a wrong secret of a key of the account', (owner) => [owner.api_key, generateSecret('account')]],
  ])('needs no credentials: with %s, the report works', async (_, credentials) => {
    const owner = await server.newAccount('Reported anonymously');
    const second = keyOf(await okBody(call('post', `${owner.base}/account_api_keys`, owner.auth, { name: 'second' })));
    expect(ok(await report({ secrets: [owner.api_secret] }, credentials(owner)))).toEqual(OK_BODY);
    // The route authenticates nobody, so a wrong secret sent along is no failed authentication either.
    await server.app.get(AuditRecorder).settled();
    const events = (await okBody(call('get', `${owner.base}/audit_events?page_size=200`, second))).events as Json[];
    expect(events.map((e) => e.action).sort()).toEqual(['leak_report', 'provisioning:account_api_keys.create']);
    await refused(owner.auth);
  });

  test("another account's valid credentials are ignored as well: the secret alone decides", async () => {
    const { owner, other, envKey } = await twoAccounts(server, ['Owner', 'Reporter'], 'lko');
    expect(ok(await report({ secrets: [envKey[1]] }, other.auth))).toEqual(OK_BODY);
    await refused(envKey);
    await works(other.auth);
    expect(await leakEvents(owner)).toEqual([leakEvent(envKey[0], 'LEAKED_SECRET')]);
    expect(await leakEvents(other)).toEqual([]);
  });
});

describe('a report that is not a list of secrets is refused whole', () => {
  let owner: TestAccount;
  let live: Credentials;
  beforeAll(async () => {
    owner = await server.newAccount('Refused reports');
    const env = await okBody(call('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Env', cloud_name: uniqueCloudName('lkv') }));
    live = [env.api_access_keys[0].key, env.api_access_keys[0].secret];
  });

  const tampered = (secret: string) => secret.slice(0, 12) + (secret[12] === 'a' ? 'b' : 'a') + secret.slice(13);

  test.each<[string, () => Payload, string | RegExp]>([
    ['no body', () => ({}), 'secrets is required'],
    ['null', () => ({ secrets: null }), 'secrets is required'],
    ['an empty list', () => ({ secrets: [] }), 'secrets must hold at least one secret'],
    [
      'over 100 entries',
      () => ({ secrets: [live[1], ...Array.from({ length: 100 }, () => generateSecret('user'))] }),
      'secrets may hold at most 100 secrets',
    ],
    ['an object', () => ({ secrets: { 0: live[1] } }), 'secrets must be a list of secrets'],
    ['a number', () => ({ secrets: 5 }), 'secrets must be a list of secrets'],
    ['a string that is no secret', () => ({ secrets: 'hunter2' }), 'secrets[0] is not a Castellan secret'],
    ['a non-string entry', () => ({ secrets: [live[1], 42] }), 'secrets[1] must be a string'],
    ['an empty entry', () => ({ secrets: [live[1], generateSecret('user'), ''] }), 'secrets[2] is not a Castellan secret'],
    ['a bad checksum', () => ({ secrets: [live[1], tampered(generateSecret('environment'))] }), 'secrets[1] is not a Castellan secret'],
    ['an unknown prefix', () => ({ secrets: [`cstlx_${live[1].slice(6)}`, live[1]] }), 'secrets[0] is not a Castellan secret'],
    ['malformed JSON', () => new RawJson('{"secrets":['), /JSON/],
  ])('%s: 400 naming the problem, and the valid secrets beside it stop nothing', async (_, payload, message) => {
    const res = await report(payload());
    expectErrorMessage(res, 400, typeof message === 'string' ? message : expect.stringMatching(message));
    await works(live);
  });

  test('a body that is neither JSON nor a form is 415', async () => {
    const res = await server.http().post('/v1_1/leaks').set('content-type', 'text/plain').send(live[1]);
    expectErrorMessage(res, 415);
    await server.app.get(LeakService).settled();
    await works(live);
  });
});

describe('abuse', () => {
  test('an address may report 60 times a minute, then gets 429 with Retry-After and its reports stop nothing', async () => {
    // Behind a trusted proxy, X-Forwarded-For names the client, so one test can speak from several addresses.
    const proxied = await startServer({ TRUST_PROXY: 'true' });
    try {
      const owner = await proxied.newAccount('Flooded');
      const from = (ip: string, secret = generateSecret('user')) =>
        proxied
          .http()
          .post('/v1_1/leaks')
          .set('x-forwarded-for', ip)
          .send({ secrets: [secret] });
      for (let i = 0; i < LEAK_REPORT_LIMIT.points; i++) expect(ok(await from('203.0.113.7'))).toEqual(OK_BODY);

      const limited = await from('203.0.113.7', owner.api_secret);
      expectErrorMessage(limited, 429, expect.stringMatching(/^Too many leak reports: 60 a minute per address; retry after \d+ seconds$/));
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await proxied.app.get(LeakService).settled();
      expect(
        (
          await proxied
            .http()
            .get('/v1_1/keys/self')
            .auth(...owner.auth)
        ).status,
      ).toBe(200);

      expect(ok(await from('203.0.113.8'))).toEqual(OK_BODY);
    } finally {
      await proxied.close();
    }
  });
});

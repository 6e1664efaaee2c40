import { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { CSRF_HEADER, CSRF_HEADER_VALUE, SecretHasher } from '@castellan/core';
import { UserSessionEntity } from '../../libs/sign-in/src/sessions/user-session.entity.js';
import { expectError, INVALID_CREDENTIALS, startServer, TestAccount, TestServer } from '../support/harness.js';
import { bind, expectErrorMessage, ok } from '../support/http.js';
import type { Json } from '../support/http.js';
import { asPerson, GOOD_PASSWORD, personWithPassword, sessionCookie, signIn, uniqueEmail, ssoRequired } from '../support/people.js';
import { describeWith, REDIS } from '../support/services.js';

// Console sessions over real HTTP into a real database: signing in with a password, what a session may do (exactly
// its user's privileges, through the one guard), the cookie and the CSRF header, lifetimes, and every way a
// session ends or narrows: sign-out, disabling, deleting or demoting the user, the account's policy, an admin.

let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  server = await startServer();
  account = await server.newAccount('Sessions');
});
afterAll(() => server.close());
const { call } = bind(() => server);

const db = (): DataSource => server.app.get(DataSource);
const signInRaw = (body: object) => server.http().post('/v1_1/sign-in').set(CSRF_HEADER, CSRF_HEADER_VALUE).send(body);
const sessionsOf = (a: TestAccount, userId: string) => `${a.base}/users/${userId}/sessions`;
const auditActions = async (a: TestAccount, query: string): Promise<Json[]> =>
  ok(await call('get', `${a.base}/audit_events?${query}`, a.auth)).events;

describe('signing in', () => {
  test('the right email and password set an HttpOnly, SameSite=Strict cookie scoped to the API', async () => {
    const person = await personWithPassword(server, account, { role: 'admin' });
    const res = await signInRaw({ email: person.email, password: person.password });
    expect(ok(res)).toEqual({ status: 'signed_in', account_id: account.account_id, user_id: person.user.id });
    const line = [res.headers['set-cookie']].flat().find((c: string) => c.startsWith('castellan_session='))!;
    expect(line).toMatch(/^castellan_session=[A-Za-z0-9_-]{43}; Path=\/v1_1; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const current = ok(await server.http().get('/v1_1/session').set('cookie', sessionCookie(res)!));
    expect(current).toMatchObject({ stage: 'full', user_id: person.user.id, email: person.email, role: 'admin', method: 'password' });
  });

  test('without the CSRF header a sign-in is refused (403): a cross-site form cannot sign a browser in to another account', async () => {
    const person = await personWithPassword(server, account);
    const form = await server.http().post('/v1_1/sign-in').type('form').send({ email: person.email, password: person.password });
    expectErrorMessage(form, 403, expect.stringContaining('x-requested-with'));
    expect(sessionCookie(form)).toBeUndefined();
  });

  test('over https (a proxy TRUST_PROXY believes says so) the cookie is Secure', async () => {
    const behindProxy = await startServer({ TRUST_PROXY: '127.0.0.1' });
    try {
      const a = await behindProxy.newAccount('Secure');
      const person = await personWithPassword(behindProxy, a);
      const res = await behindProxy
        .http()
        .post('/v1_1/sign-in')
        .set(CSRF_HEADER, CSRF_HEADER_VALUE)
        .set('x-forwarded-proto', 'https')
        .send({ email: person.email, password: person.password });
      expect([res.headers['set-cookie']].flat().find((c: string) => c.startsWith('castellan_session='))).toMatch(/; Secure$/);
    } finally {
      await behindProxy.close();
    }
  });

  test('email compares after case folding; the user stops being pending and gets a last login', async () => {
    const person = await personWithPassword(server, account);
    expect(person.user.pending).toBe(true);
    await signIn(server, { email: person.email.toUpperCase(), password: person.password });
    const user = ok(await call('get', `${account.base}/users/${person.user.id}`, account.auth));
    expect(user.pending).toBe(false);
    expect(user.last_login).not.toBeNull();
  });

  test('a wrong password and an unknown email get the same 401, and each failure is audited in the account', async () => {
    const person = await personWithPassword(server, account);
    const wrong = await signInRaw({ email: person.email, password: `${GOOD_PASSWORD}x` });
    const unknown = await signInRaw({ email: uniqueEmail('nobody'), password: GOOD_PASSWORD });
    for (const res of [wrong, unknown]) {
      expectError(res, 401, INVALID_CREDENTIALS);
      expect(sessionCookie(res)).toBeUndefined();
    }
    await server.app.get(DataSource).query('SELECT 1');
    const events = await auditActions(account, `action=sign_in&outcome=failure`);
    expect(events.some((e: Json) => e.actor.user_id === person.user.id && e.reason === 'WRONG_PASSWORD')).toBe(true);
  });

  test('a disabled user cannot sign in', async () => {
    const person = await personWithPassword(server, account, { enabled: false });
    expectError(await signInRaw({ email: person.email, password: person.password }), 401, INVALID_CREDENTIALS);
  });

  test('a user without a password (invitation not accepted) cannot sign in with any password', async () => {
    const email = uniqueEmail();
    ok(await call('post', `${account.base}/users`, account.auth, { name: 'No password', email }));
    expectError(await signInRaw({ email, password: GOOD_PASSWORD }), 401, INVALID_CREDENTIALS);
    expectErrorMessage(await signInRaw({ email, password: '' }), 400, 'password is required');
  });

  test('bad bodies: 400 and no cookie', async () => {
    for (const body of [{}, { email: 'a@example.com' }, { password: 'x' }, { email: 7, password: 'x' }, { email: 'a@b.c', password: 42 }]) {
      const res = await signInRaw(body);
      expectErrorMessage(res, 400);
      expect(sessionCookie(res)).toBeUndefined();
    }
    expectErrorMessage(await signInRaw({ email: 'a@b.c', password: 'x'.repeat(2000) }), 400);
  });

  test('the same email and password in two accounts: choose_account lists them, account_id picks one', async () => {
    const other = await server.newAccount('Sessions too');
    const email = uniqueEmail('twice');
    const mine = await personWithPassword(server, account, { email });
    await personWithPassword(server, other, { email });
    const res = await signInRaw({ email, password: GOOD_PASSWORD });
    expect(ok(res)).toEqual({
      status: 'choose_account',
      account_id: null,
      user_id: null,
      accounts: expect.arrayContaining([
        { id: account.account_id, name: 'Sessions' },
        { id: other.account_id, name: 'Sessions too' },
      ]),
    });
    expect(sessionCookie(res)).toBeUndefined();
    const cookie = await signIn(server, { email, password: GOOD_PASSWORD }, account.account_id);
    expect(ok(await server.http().get('/v1_1/session').set('cookie', cookie)).user_id).toBe(mine.user.id);
  });
});

describe('what a session may do', () => {
  test('an admin session reads users; a billing session is refused what billing may not do', async () => {
    const admin = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'admin' })));
    ok(await admin('get', `${account.base}/users`));
    const billing = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'billing' })));
    expectErrorMessage(await billing('post', `${account.base}/sub_accounts`, { name: 'Nope', cloud_name: `nope${Date.now()}` }), 403);
  });

  test("a session on another account's path is refused as a wrong credential would be", async () => {
    const other = await server.newAccount('Elsewhere');
    const admin = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'master_admin' })));
    expectError(await admin('get', `${other.base}/users`), 401, INVALID_CREDENTIALS);
  });

  test('a state change without the CSRF header is refused (403) and changes nothing', async () => {
    const cookie = await signIn(server, await personWithPassword(server, account, { role: 'master_admin' }));
    const name = `csrf ${Date.now()}`;
    const res = await asPerson(server, cookie, { csrf: false })('post', `${account.base}/user_groups`, { name });
    expectErrorMessage(res, 403, expect.stringContaining('x-requested-with'));
    const groups = ok(await call('get', `${account.base}/user_groups`, account.auth)).user_groups;
    expect(groups.map((g: Json) => g.name)).not.toContain(name);
    // Reads need no header: a cross-site read cannot see the answer anyway.
    ok(await asPerson(server, cookie, { csrf: false })('get', `${account.base}/user_groups`));
  });

  test('Basic credentials win over a cookie; a session is no key to describe', async () => {
    const billing = await signIn(server, await personWithPassword(server, account, { role: 'billing' }));
    expectErrorMessage(await asPerson(server, billing)('get', '/v1_1/keys/self'), 403, expect.stringContaining('GET /v1_1/session'));
    const self = ok(await server.http().get('/v1_1/keys/self').set('cookie', billing).auth(account.auth[0], account.auth[1]));
    expect(self.api_key).toBe(account.auth[0]);
  });

  test("a session creates its user's own key holding exactly the user's privileges, and cannot make a user above itself", async () => {
    const person = await personWithPassword(server, account, { role: 'technical_admin' });
    const me = asPerson(server, await signIn(server, person));
    const key = ok(await me('post', `${account.base}/users/${person.user.id}/api_keys`, { name: 'mine' }));
    expect(key.api_secret).toEqual(expect.any(String));
    const res = await me('post', `${account.base}/users`, { name: 'Boss', email: uniqueEmail('boss'), role: 'master_admin' });
    expect(res.status).toBe(403);
  });

  test("the decision API answers for the session's user", async () => {
    const billing = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'billing' })));
    expect(ok(await billing('post', '/v1_1/authorize', { action: 'provisioning:users.read' })).allowed).toBe(false);
    const admin = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'admin' })));
    expect(ok(await admin('post', '/v1_1/authorize', { action: 'provisioning:users.read' })).allowed).toBe(true);
  });

  test('changes made by a session are audited as the person', async () => {
    const person = await personWithPassword(server, account, { role: 'master_admin' });
    const me = asPerson(server, await signIn(server, person));
    const group = ok(await me('post', `${account.base}/user_groups`, { name: `audited ${Date.now()}` }));
    const events = await auditActions(account, 'action=provisioning:user_groups.create');
    expect(events.find((e: Json) => e.target?.id === group.id)?.actor).toEqual({ api_key: null, kind: 'session', user_id: person.user.id });
  });
});

describe('how sessions end', () => {
  const refused = async (cookie: string) =>
    expectError(await asPerson(server, cookie)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
  const works = async (cookie: string) => ok(await asPerson(server, cookie)('get', '/v1_1/me/sessions'));

  test('signing out ends the session and clears the cookie', async () => {
    const cookie = await signIn(server, await personWithPassword(server, account));
    const res = await server.http().post('/v1_1/sign-out').set('cookie', cookie);
    ok(res);
    expect([res.headers['set-cookie']].flat()[0]).toMatch(/^castellan_session=; Path=\/v1_1; Max-Age=0; HttpOnly; SameSite=Strict$/);
    await refused(cookie);
    expectError(await server.http().get('/v1_1/session').set('cookie', cookie), 401, INVALID_CREDENTIALS);
  });

  test('a made-up or malformed cookie is a 401 like a wrong key', async () => {
    for (const cookie of ['castellan_session=' + 'A'.repeat(43), 'castellan_session=short', 'castellan_session=%00%ff'])
      await refused(cookie);
  });

  test('past its idle lifetime, and past its absolute lifetime, a session is refused and ended', async () => {
    const person = await personWithPassword(server, account);
    const idle = await signIn(server, person);
    const absolute = await signIn(server, person);
    const rows = await db()
      .getRepository(UserSessionEntity)
      .find({ where: { userId: person.user.id } });
    expect(rows).toHaveLength(2);
    const hasher = server.app.get(SecretHasher);
    const rowOf = (cookie: string) => rows.find((r) => r.tokenHash === hasher.hash(`session:${cookie.split('=')[1]}`))!;
    await db()
      .getRepository(UserSessionEntity)
      .update({ id: rowOf(idle).id }, { lastSeenAt: new Date(Date.now() - 31 * 60_000) });
    await db()
      .getRepository(UserSessionEntity)
      .update({ id: rowOf(absolute).id }, { expiresAt: new Date(Date.now() - 1000) });
    await refused(idle);
    await refused(absolute);
    expect(
      await db()
        .getRepository(UserSessionEntity)
        .count({ where: { userId: person.user.id } }),
    ).toBe(0);
  });

  test('sessions never presented again are swept when their user next signs in', async () => {
    const person = await personWithPassword(server, account);
    await signIn(server, person);
    const sessions = db().getRepository(UserSessionEntity);
    await sessions.update({ userId: person.user.id }, { lastSeenAt: new Date(Date.now() - 31 * 60_000) });
    await signIn(server, person);
    expect(await sessions.count({ where: { userId: person.user.id } })).toBe(1);
  });

  test('disabling the user ends their sessions on the next request; enabling does not revive them', async () => {
    const person = await personWithPassword(server, account);
    const cookie = await signIn(server, person);
    await works(cookie);
    ok(await call('put', `${account.base}/users/${person.user.id}`, account.auth, { enabled: false }));
    await refused(cookie);
    ok(await call('put', `${account.base}/users/${person.user.id}`, account.auth, { enabled: true }));
    await refused(cookie);
  });

  test('deleting the user ends their sessions', async () => {
    const person = await personWithPassword(server, account);
    const cookie = await signIn(server, person);
    ok(await call('delete', `${account.base}/users/${person.user.id}`, account.auth));
    await refused(cookie);
  });

  test('demoting the user narrows the session at once', async () => {
    const person = await personWithPassword(server, account, { role: 'admin' });
    const me = asPerson(server, await signIn(server, person));
    ok(await me('get', `${account.base}/users`));
    ok(await call('put', `${account.base}/users/${person.user.id}`, account.auth, { role: 'billing' }));
    expect((await me('get', `${account.base}/users`)).status).toBe(403);
  });

  test('requiring SSO ends password sessions; a master admin may still sign in by the break-glass path', async () => {
    const a = await server.newAccount('SSO');
    const admin = await personWithPassword(server, a, { role: 'admin' });
    const master = await personWithPassword(server, a, { role: 'master_admin' });
    const adminCookie = await signIn(server, admin);
    const masterCookie = await signIn(server, master);
    ok(await call('put', `${a.base}/security`, a.auth, ssoRequired()));
    await refused(adminCookie);
    await refused(masterCookie);
    expectErrorMessage(await signInRaw({ email: admin.email, password: admin.password }), 403, expect.stringContaining('single sign-on'));
    const glass = await signIn(server, master);
    expect(ok(await server.http().get('/v1_1/session').set('cookie', glass)).method).toBe('break_glass');
    ok(await asPerson(server, glass)('get', `${a.base}/users`));
    const events = await auditActions(a, 'action=sign_in');
    expect(events.some((e: Json) => e.actor.user_id === master.user.id && e.reason === 'BREAK_GLASS')).toBe(true);
    // A break-glass session lasts while its user is a master admin.
    const other = await personWithPassword(server, a, { role: 'master_admin' });
    ok(await call('put', `${a.base}/users/${master.user.id}`, a.auth, { role: 'admin' }));
    await refused(glass);
    expect(other.user.role).toBe('master_admin');
  });

  test('under a required policy, a password session that never proved a second factor must prove the one enrolled since', async () => {
    const a = await server.newAccount('2FA later');
    const person = await personWithPassword(server, a);
    const early = await signIn(server, person);
    const enrolling = asPerson(server, await signIn(server, person));
    const { secret } = ok(await enrolling('post', '/v1_1/me/two-factor'));
    const { TOTP, Secret } = await import('otpauth');
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    ok(await enrolling('post', '/v1_1/me/two-factor/confirm', { code }));
    // Optional: a session from before the enrollment goes on.
    ok(await asPerson(server, early)('get', '/v1_1/me/sessions'));
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    await refused(early);
    expect(ok(await server.http().get('/v1_1/session').set('cookie', early)).stage).toBe('second_factor');
    // The session that enrolled proved it.
    ok(await enrolling('get', '/v1_1/me/sessions'));
  });

  test('requiring two-factor sends a session without a second factor back to enrollment', async () => {
    const a = await server.newAccount('2FA');
    const cookie = await signIn(server, await personWithPassword(server, a));
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    await refused(cookie);
    expect(ok(await server.http().get('/v1_1/session').set('cookie', cookie)).stage).toBe('enrollment');
  });
});

describe('my sessions, and a master admin over anyone', () => {
  test('a person lists their sessions (the current one marked) and ends one', async () => {
    const person = await personWithPassword(server, account);
    const first = await signIn(server, person);
    const second = await signIn(server, person);
    const listed = ok(await asPerson(server, first)('get', '/v1_1/me/sessions')).sessions;
    expect(listed).toHaveLength(2);
    expect(listed.filter((s: Json) => s.current)).toHaveLength(1);
    const other = listed.find((s: Json) => !s.current);
    expect(Object.keys(other).sort()).toEqual(['created_at', 'current', 'expires_at', 'id', 'ip', 'last_seen_at', 'method', 'user_agent']);
    ok(await asPerson(server, first)('delete', `/v1_1/me/sessions/${other.id}`));
    expectError(await asPerson(server, second)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
    ok(await asPerson(server, first)('get', '/v1_1/me/sessions'));
  });

  test("a person cannot end someone else's session through /me (404)", async () => {
    const mine = asPerson(server, await signIn(server, await personWithPassword(server, account)));
    const theirs = await signIn(server, await personWithPassword(server, account));
    const [their] = ok(await asPerson(server, theirs)('get', '/v1_1/me/sessions')).sessions;
    expectErrorMessage(await mine('delete', `/v1_1/me/sessions/${their.id}`), 404);
    ok(await asPerson(server, theirs)('get', '/v1_1/me/sessions'));
  });

  test('/me routes are for people: an API key is refused with 403', async () => {
    expectErrorMessage(await call('get', '/v1_1/me/sessions', account.auth), 403, expect.stringContaining('person'));
    expectError(await call('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
  });

  test("a master admin lists and ends a user's sessions; an admin may list but not end them", async () => {
    const target = await personWithPassword(server, account, { role: 'billing' });
    const cookie = await signIn(server, target);
    const master = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'master_admin' })));
    const admin = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'admin' })));
    expect(ok(await admin('get', sessionsOf(account, target.user.id))).sessions).toHaveLength(1);
    expect((await admin('delete', sessionsOf(account, target.user.id))).status).toBe(403);
    ok(await asPerson(server, cookie)('get', '/v1_1/me/sessions'));
    ok(await master('delete', sessionsOf(account, target.user.id)));
    expectError(await asPerson(server, cookie)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
    // The root key may too.
    const again = await signIn(server, target);
    const [session] = ok(await call('get', sessionsOf(account, target.user.id), account.auth)).sessions;
    ok(await call('delete', `${sessionsOf(account, target.user.id)}/${session.id}`, account.auth));
    expectError(await asPerson(server, again)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
  });

  test('ending the sessions of a user who holds more than the caller is refused by the grant invariant', async () => {
    const holder = await personWithPassword(server, account, { role: 'master_admin' });
    const cookie = await signIn(server, holder);
    const key = ok(await call('post', `${account.base}/account_api_keys`, account.auth, { name: `narrow ${Date.now()}` }));
    const narrow: [string, string] = [key.api_key, key.api_secret];
    ok(
      await call('put', `${account.base}/account_api_keys/${key.api_key}/permissions`, account.auth, {
        rules: [{ effect: 'allow', actions: ['provisioning:user_sessions.delete', 'provisioning:users.read'] }],
      }),
    );
    expect((await call('delete', sessionsOf(account, holder.user.id), narrow)).status).toBe(403);
    ok(await asPerson(server, cookie)('get', '/v1_1/me/sessions'));
  });

  test("another account's key, unknown users and sessions", async () => {
    const other = await server.newAccount('Other');
    const target = await personWithPassword(server, account);
    expectError(await call('get', sessionsOf(account, target.user.id), other.auth), 401, INVALID_CREDENTIALS);
    expectError(await call('delete', sessionsOf(account, target.user.id), other.auth), 401, INVALID_CREDENTIALS);
    expectErrorMessage(await call('get', sessionsOf(account, '0123456789abcdef0123456789abcdef'), account.auth), 404);
    expectErrorMessage(await call('delete', `${sessionsOf(account, target.user.id)}/0123456789abcdef0123456789abcdef`, account.auth), 404);
    expectError(await call('get', sessionsOf(account, target.user.id)), 401, INVALID_CREDENTIALS);
  });
});

describe('throttling', () => {
  let strict: TestServer;
  let a: TestAccount;
  beforeAll(async () => {
    strict = await startServer({ AUTH_FAILURE_BURST: '3', TRUST_PROXY: '127.0.0.1' });
    a = await strict.newAccount('Throttled');
  });
  afterAll(() => strict.close());
  const from = (ip: string, body: object) =>
    strict.http().post('/v1_1/sign-in').set('x-forwarded-for', ip).set(CSRF_HEADER, CSRF_HEADER_VALUE).send(body);

  test('failed sign-ins are throttled per user: past the burst even the right password waits', async () => {
    const person = await personWithPassword(strict, a);
    const wrong = { email: person.email, password: `${GOOD_PASSWORD}!` };
    for (let i = 0; i < 3; i++) expectError(await from(`198.18.1.${i + 1}`, wrong), 401, INVALID_CREDENTIALS);
    const blocked = await from('198.18.1.9', wrong);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('198.18.1.10', { email: person.email, password: person.password })).status).toBe(429);
    // Another user of the account is not affected.
    const other = await personWithPassword(strict, a);
    expect(ok(await from('198.18.1.11', { email: other.email, password: other.password })).status).toBe('signed_in');
  });

  test('made-up session cookies count against the address like wrong keys', async () => {
    const guess = (ip: string) =>
      strict
        .http()
        .get('/v1_1/session')
        .set('x-forwarded-for', ip)
        .set('cookie', `castellan_session=${'G'.repeat(43)}`);
    for (let i = 0; i < 3; i++) expectError(await guess('198.18.3.1'), 401, INVALID_CREDENTIALS);
    expect((await guess('198.18.3.1')).status).toBe(429);
    const person = await personWithPassword(strict, a);
    expect((await from('198.18.3.1', { email: person.email, password: person.password })).status).toBe(429);
  });

  test('failed sign-ins are throttled per address, whoever they name', async () => {
    for (let i = 0; i < 3; i++) await from('198.18.2.1', { email: uniqueEmail('x'), password: GOOD_PASSWORD });
    expect((await from('198.18.2.1', { email: uniqueEmail('y'), password: GOOD_PASSWORD })).status).toBe(429);
    const person = await personWithPassword(strict, a);
    expect((await from('198.18.2.1', { email: person.email, password: person.password })).status).toBe(429);
  });
});

const withRedis = await describeWith(import.meta.url, REDIS);
withRedis('sessions in Redis', () => {
  let shared: TestServer;
  let redis: Redis;
  beforeAll(async () => {
    shared = await startServer({ REDIS_URL: 'redis://127.0.0.1:6379' });
    redis = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    redis.disconnect();
    await shared.close();
  });

  test('a used session is in Redis, and ending it removes it there', async () => {
    const a = await shared.newAccount('Redis');
    const person = await personWithPassword(shared, a);
    const cookie = await signIn(shared, person);
    // Redis connects in the background: requests read the database until it is ready.
    for (
      let i = 0;
      i < 50 && !(await redis.exists(`castellan:session:${shared.app.get(SecretHasher).hash(`session:${cookie.split('=')[1]}`)}`));
      i++
    ) {
      ok(await asPerson(shared, cookie)('get', '/v1_1/me/sessions'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const key = `castellan:session:${shared.app.get(SecretHasher).hash(`session:${cookie.split('=')[1]}`)}`;
    expect(await redis.exists(key)).toBe(1);
    expect(Number(await redis.ttl(key))).toBeGreaterThan(0);
    ok(await shared.http().post('/v1_1/sign-out').set('cookie', cookie));
    expect(await redis.exists(key)).toBe(0);
    expectError(await asPerson(shared, cookie)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
  });
});

import { DataSource } from 'typeorm';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@castellan/core';
import { CODES_PER_USER } from '@castellan/security';
import { UserSessionEntity } from '../../libs/sign-in/src/sessions/user-session.entity.js';
import { UserCredentialRepository } from '../../libs/sign-in/src/passwords/user-credential.repository.js';
import {
  expectError,
  expectUnchanged,
  INVALID_CREDENTIALS,
  ISO_SECONDS,
  startServer,
  TestAccount,
  TestServer,
  uniqueCloudName,
} from '../support/harness.js';
import { bind, expectErrorMessage, ok, twoAccounts } from '../support/http.js';
import type { Credentials, Json, Method } from '../support/http.js';
import { asPerson, personWithPassword, sessionCookie, signIn, uniqueEmail } from '../support/people.js';
import type { Person } from '../support/people.js';
import { startSmtp, TestSmtp } from '../support/smtp.js';

// My Profile over real HTTP into a real database, with a real SMTP server: reading and changing my own profile with
// a session, what is refused (bad input, keys, no cookie, no CSRF header, someone else), and the session acting with
// exactly its user's privileges as they are now.

let smtp: TestSmtp;
let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  smtp = await startSmtp();
  server = await startServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Castellan <castellan@example.com>' });
  account = await server.newAccount('Profile');
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});
const { call } = bind(() => server);

const ROUTES: [Method, string][] = [
  ['get', '/v1_1/me'],
  ['put', '/v1_1/me'],
  ['post', '/v1_1/me/verification-code'],
];
const DEFAULTS = { language: 'en', theme: 'system', email_preferences: { product_updates: false, security_notifications: true } };

/** A person of `a` signed in, with their requests (cookie and CSRF header). */
async function signedIn(a: TestAccount = account, fields: Record<string, unknown> = {}) {
  const person = await personWithPassword(server, a, fields);
  const cookie = await signIn(server, person);
  return { ...person, cookie, as: asPerson(server, cookie) };
}

const profileOf = async (cookie: string): Promise<Json> => ok(await asPerson(server, cookie)('get', '/v1_1/me'));
const userOf = async (a: TestAccount, person: Person): Promise<Json> => ok(await call('get', `${a.base}/users/${person.user.id}`, a.auth));
/** What a refused change must leave as it was: my profile, and my user as an admin sees it. */
const everything = (a: TestAccount, person: Person & { cookie: string }) => async () => [
  await profileOf(person.cookie),
  await userOf(a, person),
];
/** The verification codes mailed to `email` (creating a user mails an invitation too). */
const codesMailedTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email) && m.subject === 'Your Castellan verification code');
const codeIn = (text: string): string => /\b(\d{6})\b/.exec(text)![1]!;

describe('GET /v1_1/me', () => {
  test('my user, the defaults of preferences never set, and my two-factor state', async () => {
    const me = await signedIn(account, { role: 'admin', name: 'Ada Lovelace' });
    expect(await profileOf(me.cookie)).toEqual({
      id: me.user.id,
      account_id: account.account_id,
      name: 'Ada Lovelace',
      email: me.email,
      role: 'admin',
      ...DEFAULTS,
      two_factor_enabled: false,
      two_factor_policy: 'optional',
      created_at: me.user.created_at,
      last_login: expect.stringMatching(ISO_SECONDS),
    });
    expect(ok(await me.as('get', '/v1_1/me')).last_login).toBe((await userOf(account, me)).last_login);
  });

  test("two_factor_enabled follows my second factor, two_factor_policy the account's policy", async () => {
    const a = await server.newAccount('Profile 2FA');
    const me = await signedIn(a);
    // Enrolled in this session, as POST /v1_1/me/two-factor/confirm leaves it (and the session, which proved it).
    await server.app.get(UserCredentialRepository).patch(a.account_id, me.user.id, { totpSecret: 'x', totpEnabledAt: new Date() });
    await server.app.get(DataSource).getRepository(UserSessionEntity).update({ userId: me.user.id }, { secondFactorAt: new Date() });
    expect(await profileOf(me.cookie)).toMatchObject({ two_factor_enabled: true, two_factor_policy: 'optional' });
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    expect(await profileOf(me.cookie)).toMatchObject({ two_factor_enabled: true, two_factor_policy: 'required' });
  });
});

describe('PUT /v1_1/me', () => {
  test('each field changes alone, the answer is my profile as GET then reads it, and the rest stays', async () => {
    const me = await signedIn();
    const steps: [object, object][] = [
      [{ name: 'Grace Hopper' }, { name: 'Grace Hopper' }],
      [{ language: 'fr-CA' }, { language: 'fr-CA' }],
      [{ theme: 'dark' }, { theme: 'dark' }],
      [{ email_preferences: { product_updates: true } }, { email_preferences: { product_updates: true, security_notifications: true } }],
      [
        { email_preferences: { security_notifications: false } },
        { email_preferences: { product_updates: true, security_notifications: false } },
      ],
      [
        { language: 'zh-Hant-TW', theme: 'light' },
        { language: 'zh-Hant-TW', theme: 'light' },
      ],
      [{ language: 'es-419' }, { language: 'es-419' }],
    ];
    let expected = await profileOf(me.cookie);
    for (const [body, change] of steps) {
      expected = { ...expected, ...change };
      expect(ok(await me.as('put', '/v1_1/me', body))).toEqual(expected);
      expect(await profileOf(me.cookie)).toEqual(expected);
    }
  });

  test('a new name is the user\'s name, as the users API shows it; "" and null change nothing', async () => {
    const me = await signedIn();
    ok(await me.as('put', '/v1_1/me', { name: '  Katherine Johnson  ', theme: 'dark' }));
    expect((await userOf(account, me)).name).toBe('Katherine Johnson');
    ok(await me.as('put', '/v1_1/me', { name: '', theme: 'light' }));
    ok(await me.as('put', '/v1_1/me', { name: null, language: 'de' }));
    expect(await profileOf(me.cookie)).toMatchObject({ name: 'Katherine Johnson', theme: 'light', language: 'de' });
  });

  test('any role may change their own name, which the users API would refuse them', async () => {
    const me = await signedIn(account, { role: 'billing' });
    expect((await me.as('put', `${account.base}/users/${me.user.id}`, { name: 'Via admin route' })).status).toBe(403);
    expect(ok(await me.as('put', '/v1_1/me', { name: 'Billing Person' })).name).toBe('Billing Person');
    // Nor does a master admin (the most a user holds) or a user limited to one environment fail the grant invariant.
    const env = ok(
      await call('post', `${account.base}/sub_accounts`, account.auth, { name: 'Env', cloud_name: uniqueCloudName('profile') }),
    );
    for (const fields of [{ role: 'master_admin' }, { role: 'technical_admin', sub_account_ids: [env.id] }]) {
      const person = await signedIn(account, fields);
      expect(ok(await person.as('put', '/v1_1/me', { name: 'Renamed' })).name).toBe('Renamed');
    }
  });

  test('role, email, enabled and an id in the body are not mine to change: dropped, so nothing is left to change', async () => {
    const me = await signedIn(account, { role: 'billing' });
    await expectUnchanged(everything(account, me), async () => {
      const body = { role: 'master_admin', email: uniqueEmail('stolen'), enabled: true, id: 'x', account_id: 'y', all_sub_accounts: true };
      expectErrorMessage(await me.as('put', '/v1_1/me', body), 400, 'Nothing to change');
    });
    const res = ok(await me.as('put', '/v1_1/me', { theme: 'dark', role: 'master_admin', user_id: account.account_id }));
    expect(res).toMatchObject({ role: 'billing', email: me.email, theme: 'dark' });
  });

  test.each<[string, object, string | RegExp, string | undefined]>([
    ['an empty body', {}, 'Nothing to change', undefined],
    ['no preference in email_preferences', { email_preferences: {} }, 'Nothing to change', undefined],
    ['blank fields only', { name: '  ', language: '', theme: null }, 'Nothing to change', undefined],
    ['a language that is no tag', { language: 'english' }, /BCP 47/, 'language'],
    ['a language in capitals', { language: 'EN' }, /BCP 47/, 'language'],
    ['a region in lower case', { language: 'en-us' }, /BCP 47/, 'language'],
    ['an underscore', { language: 'en_US' }, /BCP 47/, 'language'],
    ['a private-use tag', { language: 'en-x-klingon' }, /BCP 47/, 'language'],
    ['a language with a line break', { language: 'en\nfr' }, /language/, 'language'],
    ['a language as a number', { language: 42 }, /language/, 'language'],
    ['an unknown theme', { theme: 'blue' }, 'theme must be one of: light, dark, system', 'theme'],
    ['a theme in capitals', { theme: 'DARK' }, /theme/, 'theme'],
    ['an unknown preference', { email_preferences: { newsletter: true } }, /newsletter/, 'email_preferences.newsletter'],
    [
      'an unknown preference beside a known one',
      { email_preferences: { product_updates: true, __proto__x: true } },
      /__proto__x/,
      'email_preferences.__proto__x',
    ],
    [
      'a preference that is not true or false',
      { email_preferences: { product_updates: 'yes' } },
      /product_updates must be true or false/,
      'email_preferences.product_updates',
    ],
    ['preferences as a string', { email_preferences: 'product_updates' }, /email_preferences/, 'email_preferences'],
    ['preferences as a list', { email_preferences: [true] }, /email_preferences/, 'email_preferences'],
    ['a name over 255 characters', { name: 'x'.repeat(256) }, /name must be at most 255/, 'name'],
    ['a name with a control character', { name: 'Ada\u0000' }, /control characters/, 'name'],
    ['a good field beside a bad one', { name: 'Changed', theme: 'blue' }, /theme/, 'theme'],
  ])('%s: 400, and nothing changes', async (_, body, message, path) => {
    const me = await signedIn();
    await expectUnchanged(everything(account, me), async () => {
      const res = await me.as('put', '/v1_1/me', body);
      expectErrorMessage(res, 400, typeof message === 'string' ? message : expect.stringMatching(message));
      expect(res.body.error.path).toBe(path);
    });
  });

  test('a JSON __proto__ key sets no preference, and reaches no prototype', async () => {
    const me = await signedIn();
    const put = (json: string) =>
      server.http().put('/v1_1/me').set('cookie', me.cookie).set(CSRF_HEADER, CSRF_HEADER_VALUE).type('json').send(json);
    // The body parser drops the key before anything reads the body.
    await expectUnchanged(everything(account, me), async () => {
      expectErrorMessage(await put('{"email_preferences": {"__proto__": {"product_updates": true}}}'), 400, 'Nothing to change');
    });
    const changed = ok(await put('{"theme": "dark", "email_preferences": {"__proto__": {"product_updates": true}}}'));
    expect(changed).toMatchObject({ theme: 'dark', email_preferences: DEFAULTS.email_preferences });
    expect(({} as Record<string, unknown>)['product_updates']).toBeUndefined();
  });

  test('first changes at once all land: none is lost, none fails', async () => {
    const me = await signedIn();
    const answers = await Promise.all([
      me.as('put', '/v1_1/me', { theme: 'dark' }),
      me.as('put', '/v1_1/me', { language: 'it' }),
      me.as('put', '/v1_1/me', { email_preferences: { product_updates: true } }),
    ]);
    answers.forEach(ok);
    expect(await profileOf(me.cookie)).toMatchObject({ theme: 'dark', language: 'it', email_preferences: { product_updates: true } });
  });

  test('a change is audited as the person, on their user', async () => {
    const me = await signedIn();
    ok(await me.as('put', '/v1_1/me', { theme: 'dark' }));
    const events = ok(await call('get', `${account.base}/audit_events?action=profile.update`, account.auth)).events;
    expect(events.find((e: Json) => e.target?.id === me.user.id)).toMatchObject({
      actor: { api_key: null, kind: 'session', user_id: me.user.id },
      target: { type: 'user', id: me.user.id },
      outcome: 'success',
      status: 200,
    });
  });
});

describe('who may call /v1_1/me', () => {
  test('without the CSRF header a change is refused (403) and changes nothing; no code is mailed', async () => {
    const me = await signedIn();
    const noHeader = asPerson(server, me.cookie, { csrf: false });
    await expectUnchanged(everything(account, me), async () => {
      expectErrorMessage(
        await noHeader('put', '/v1_1/me', { name: 'Forged', theme: 'dark' }),
        403,
        expect.stringContaining('x-requested-with'),
      );
      expectErrorMessage(await noHeader('post', '/v1_1/me/verification-code'), 403, expect.stringContaining('x-requested-with'));
    });
    expect(codesMailedTo(me.email)).toHaveLength(0);
    ok(await noHeader('get', '/v1_1/me'));
  });

  test('no cookie, or a cookie that names no session: 401 on every route', async () => {
    for (const [method, path] of ROUTES) {
      expectError(await call(method, path, null, method === 'put' ? { theme: 'dark' } : undefined), 401, INVALID_CREDENTIALS);
      expectError(await asPerson(server, `castellan_session=${'A'.repeat(43)}`)(method, path), 401, INVALID_CREDENTIALS);
    }
  });

  test("API keys are refused (403) on every route: the root key, and a key of this very user; even beside the user's cookie", async () => {
    const me = await signedIn(account, { role: 'master_admin' });
    const userKey = ok(await call('post', `${account.base}/users/${me.user.id}/api_keys`, account.auth, { name: 'mine' }));
    const keys: Credentials[] = [account.auth, [userKey.api_key, userKey.api_secret]];
    await expectUnchanged(everything(account, me), async () => {
      for (const key of keys) {
        for (const [method, path] of ROUTES) {
          const body = method === 'put' ? { name: 'By key' } : undefined;
          expectErrorMessage(await call(method, path, key, body), 403, expect.stringContaining('person'));
          // Basic credentials win over a cookie: the key is the caller.
          const both = server.http()[method](path).set('cookie', me.cookie).set(CSRF_HEADER, CSRF_HEADER_VALUE);
          expectErrorMessage(await both.auth(key[0], key[1]).send(body), 403, expect.stringContaining('person'));
        }
      }
    });
    expect(codesMailedTo(me.email)).toHaveLength(0);
  });

  test('each person reads and changes only their own profile, in their own account, even with the same email', async () => {
    const { owner, other } = await twoAccounts(server, ['Mine', 'Theirs']);
    const email = uniqueEmail('twin');
    const mine = await personWithPassword(server, owner, { email, name: 'Mine' });
    const theirs = await personWithPassword(server, other, { email, name: 'Theirs' });
    const myCookie = await signIn(server, mine, owner.account_id);
    const theirCookie = await signIn(server, theirs, other.account_id);
    expect(await profileOf(myCookie)).toMatchObject({ id: mine.user.id, account_id: owner.account_id, name: 'Mine' });
    const before = await profileOf(theirCookie);
    expect(before).toMatchObject({ id: theirs.user.id, account_id: other.account_id, name: 'Theirs', ...DEFAULTS });
    ok(
      await asPerson(server, myCookie)('put', '/v1_1/me', { name: 'Changed', theme: 'dark', email_preferences: { product_updates: true } }),
    );
    expect(await profileOf(theirCookie)).toEqual(before);
    expect((await userOf(other, theirs)).name).toBe('Theirs');
    // My session on the other account's paths is no credential there.
    expectError(await asPerson(server, myCookie)('get', `${other.base}/users/${theirs.user.id}`), 401, INVALID_CREDENTIALS);
  });

  test('a session still waiting for its second factor is refused (401) on every route', async () => {
    const person = await personWithPassword(server, account);
    await server.app
      .get(UserCredentialRepository)
      .patch(account.account_id, person.user.id, { totpSecret: 'x', totpEnabledAt: new Date() });
    const res = await server
      .http()
      .post('/v1_1/sign-in')
      .set(CSRF_HEADER, CSRF_HEADER_VALUE)
      .send({ email: person.email, password: person.password });
    expect(ok(res).status).toBe('second_factor_required');
    const halfway = asPerson(server, sessionCookie(res)!);
    for (const [method, path] of ROUTES) expectError(await halfway(method, path, { theme: 'dark' }), 401, INVALID_CREDENTIALS);
    expect(codesMailedTo(person.email)).toHaveLength(0);
  });

  test("a disabled user's session is refused at its next request (401), and changes nothing", async () => {
    const me = await signedIn();
    ok(await me.as('get', '/v1_1/me'));
    ok(await call('put', `${account.base}/users/${me.user.id}`, account.auth, { enabled: false }));
    expectError(await me.as('put', '/v1_1/me', { name: 'Too late' }), 401, INVALID_CREDENTIALS);
    expectError(await me.as('get', '/v1_1/me'), 401, INVALID_CREDENTIALS);
    expect((await userOf(account, me)).name).toBe('Pat Person');
  });

  test("a deleted user's session is refused (401)", async () => {
    const me = await signedIn();
    ok(await me.as('put', '/v1_1/me', { theme: 'dark' }));
    ok(await call('delete', `${account.base}/users/${me.user.id}`, account.auth));
    for (const [method, path] of ROUTES) expectError(await me.as(method, path, { theme: 'light' }), 401, INVALID_CREDENTIALS);
  });

  test('a user demoted from admin to billing keeps their profile and loses their permissions at once', async () => {
    const me = await signedIn(account, { role: 'admin' });
    ok(await me.as('get', `${account.base}/users`));
    ok(await call('put', `${account.base}/users/${me.user.id}`, account.auth, { role: 'billing' }));
    expect(await profileOf(me.cookie)).toMatchObject({ id: me.user.id, role: 'billing' });
    expectErrorMessage(await me.as('get', `${account.base}/users`), 403, expect.stringContaining('provisioning:users.read'));
    expect(ok(await me.as('put', '/v1_1/me', { name: 'Still me' })).name).toBe('Still me');
  });
});

describe('a session acts with exactly its user’s privileges', () => {
  test('a billing session may not create an environment; an admin session may read users', async () => {
    const billing = await signedIn(account, { role: 'billing' });
    const envs = async () => ok(await call('get', `${account.base}/sub_accounts`, account.auth));
    await expectUnchanged(envs, async () => {
      const res = await billing.as('post', `${account.base}/sub_accounts`, { name: 'Nope', cloud_name: `nope${Date.now()}` });
      expectErrorMessage(res, 403);
    });
    const admin = await signedIn(account, { role: 'admin' });
    expect(ok(await admin.as('get', `${account.base}/users`)).users.map((u: Json) => u.id)).toContain(billing.user.id);
  });

  test("the decision API decides for the session's user, and names no key", async () => {
    const check = { action: 'provisioning:users.read' };
    const billing = await signedIn(account, { role: 'billing' });
    const admin = await signedIn(account, { role: 'admin' });
    const refused = ok(await billing.as('post', '/v1_1/authorize', check));
    expect(refused).toEqual({
      allowed: false,
      reason: 'NO_MATCHING_RULE',
      key: { api_key: '', name: billing.email, kind: 'user' },
      environment: null,
      rule: null,
    });
    expect(ok(await admin.as('post', '/v1_1/authorize', check))).toMatchObject({ allowed: true, reason: 'ALLOWED', rule: null });
    // Promoted, the billing person's very session is allowed at once.
    ok(await call('put', `${account.base}/users/${billing.user.id}`, account.auth, { role: 'admin' }));
    expect(ok(await billing.as('post', '/v1_1/authorize', check)).allowed).toBe(true);
  });
});

describe('POST /v1_1/me/verification-code', () => {
  test('mails a 6-digit code to my own address, which support can verify; the answer never holds it', async () => {
    const me = await signedIn();
    const sentAt = Date.now();
    const body = ok(await me.as('post', '/v1_1/me/verification-code'));
    expect(body).toEqual({ message: 'ok', expires_at: expect.stringMatching(ISO_SECONDS) });
    expect(Date.parse(body.expires_at) - sentAt).toBeGreaterThan(9 * 60_000);
    const [mail, ...more] = codesMailedTo(me.email);
    expect(more).toHaveLength(0);
    expect(mail).toEqual({
      from: 'castellan@example.com',
      to: [me.email],
      subject: expect.any(String),
      text: expect.stringMatching(/\b\d{6}\b/),
    });
    const code = codeIn(mail!.text);
    expect(JSON.stringify(body)).not.toContain(code);
    const verify = { user_id: me.user.id, code };
    expect(ok(await call('post', `${account.base}/verification_codes/verify`, account.auth, verify)).valid).toBe(true);
    const events = ok(await call('get', `${account.base}/audit_events?action=profile.verification_code`, account.auth)).events;
    expect(events.find((e: Json) => e.target?.id === me.user.id)).toMatchObject({
      actor: { kind: 'session', user_id: me.user.id },
      status: 200,
    });
  });

  test(`the ${CODES_PER_USER.points + 1}th code in 10 minutes is refused (429, Retry-After), not mailed; support's count`, async () => {
    const me = await signedIn();
    ok(await call('post', `${account.base}/users/${me.user.id}/verification_code`, account.auth));
    for (let i = 1; i < CODES_PER_USER.points; i++) ok(await me.as('post', '/v1_1/me/verification-code'));
    expect(codesMailedTo(me.email)).toHaveLength(CODES_PER_USER.points);
    const res = await me.as('post', '/v1_1/me/verification-code');
    expectErrorMessage(res, 429, expect.stringContaining('Too many verification codes'));
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(CODES_PER_USER.durationSeconds);
    expect(codesMailedTo(me.email)).toHaveLength(CODES_PER_USER.points);
    // Another person is not held back by my allowance.
    const other = await signedIn();
    ok(await other.as('post', '/v1_1/me/verification-code'));
    const events = ok(
      await call('get', `${account.base}/audit_events?action=profile.verification_code&outcome=failure`, account.auth),
    ).events;
    expect(events.find((e: Json) => e.target?.id === me.user.id)).toMatchObject({ status: 429 });
  });

  test('a mail server that refuses the code answers 503', async () => {
    const me = await signedIn();
    smtp.refuseNext();
    expectErrorMessage(await me.as('post', '/v1_1/me/verification-code'), 503, 'The verification code could not be sent');
    expect(codesMailedTo(me.email)).toHaveLength(0);
  });
});

describe('storage', () => {
  test('preferences are one row per user, in their account; the defaults take no row', async () => {
    const me = await signedIn();
    const rows = () => server.app.get(DataSource).query('SELECT * FROM user_preferences WHERE user_id = ?', [me.user.id]);
    ok(await me.as('get', '/v1_1/me'));
    ok(await me.as('put', '/v1_1/me', { name: 'Only the name' }));
    expect(await rows()).toHaveLength(0);
    ok(await me.as('put', '/v1_1/me', { theme: 'dark' }));
    ok(await me.as('put', '/v1_1/me', { language: 'pt-BR' }));
    const stored: Json[] = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ account_id: account.account_id, language: 'pt-BR', theme: 'dark' });
    expect(JSON.parse(stored[0].email_preferences)).toEqual(DEFAULTS.email_preferences);
  });
});

import { DataSource } from 'typeorm';
import { Secret, TOTP, URI } from 'otpauth';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@castellan/core';
import { UserCredentialEntity } from '../../libs/sign-in/src/passwords/user-credential.entity.js';
import { RecoveryCodeEntity } from '../../libs/sign-in/src/two-factor/recovery-code.entity.js';
import { expectError, INVALID_CREDENTIALS, startServer, TestAccount, TestServer } from '../support/harness.js';
import { bind, expectErrorMessage, ok } from '../support/http.js';
import type { Json } from '../support/http.js';
import { asPerson, personWithPassword, sessionCookie, signIn, ssoRequired } from '../support/people.js';
import type { Person } from '../support/people.js';

// Two-factor authentication over real HTTP into a real database: enrolling from My Profile and while signing in,
// the second-factor stage, each code working once (also twice at once), recovery codes, turning it off, the
// account's policy, the throttle on wrong codes, and who may call what. Codes come from otpauth, as an
// authenticator app makes them, from the secret the enrollment answers.

let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  server = await startServer();
  account = await server.newAccount('Two-factor');
});
afterAll(() => server.close());
const { call } = bind(() => server);

const PERIOD_MS = 30_000;
const db = (): DataSource => server.app.get(DataSource);

/**
 * The current TOTP step, once at least 8 seconds of it are left (it waits for the next otherwise): a test that
 * starts here uses codes of this step and its neighbours, which the server accepts until the test has long ended.
 */
async function currentStep(): Promise<number> {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < 8_000) await new Promise((resolve) => setTimeout(resolve, left + 20));
  return Math.floor(Date.now() / PERIOD_MS);
}
/** The code an authenticator app shows for `secret` during `step`. */
const codeAt = (secret: string, step: number): string =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: step * PERIOD_MS });
/** A code of the right shape that is none of the secret's codes around `step`. */
const wrongCodeAt = (secret: string, step: number): string => {
  const taken = new Set([-1, 0, 1].map((d) => codeAt(secret, step + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !taken.has(c))!;
};

const passwordSignIn = (person: Pick<Person, 'email' | 'password'>, s: TestServer = server) =>
  s.http().post('/v1_1/sign-in').set(CSRF_HEADER, CSRF_HEADER_VALUE).send({ email: person.email, password: person.password });

/** Signs in with the password, expects `status`, and answers the cookie of the session it opened. */
async function signInAt(person: Person, status: string, s: TestServer = server): Promise<string> {
  const res = await passwordSignIn(person, s);
  expect(ok(res).status).toBe(status);
  return sessionCookie(res)!;
}

const stageOf = async (cookie: string): Promise<string> => ok(await server.http().get('/v1_1/session').set('cookie', cookie)).stage;
const statusOf = async (cookie: string): Promise<Json> => ok(await asPerson(server, cookie)('get', '/v1_1/me/two-factor'));
const credentialOf = (userId: string) => db().getRepository(UserCredentialEntity).findOneByOrFail({ userId });
const recoveryRowsOf = (userId: string) => db().getRepository(RecoveryCodeEntity).find({ where: { userId } });

/** Audit events of the account with this action, once `until` finds what it looks for (events are written in the background). */
async function eventsOf(a: TestAccount, action: string, until: (events: Json[]) => boolean): Promise<Json[]> {
  let events: Json[] = [];
  for (let i = 0; i < 50 && !until(events); i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    events = ok(await call('get', `${a.base}/audit_events?action=${action}`, a.auth)).events;
  }
  return events;
}

interface Enrolled extends Person {
  secret: string;
  recoveryCodes: string[];
  /** A full session of the person, made before the enrollment. */
  cookie: string;
}

/** A person who enrolled from My Profile, confirming with the code of `step - 1`. */
async function enrolledPerson(step: number, a: TestAccount = account, s: TestServer = server): Promise<Enrolled> {
  const person = await personWithPassword(s, a);
  const cookie = await signIn(s, person);
  const me = asPerson(s, cookie);
  const { secret } = ok(await me('post', '/v1_1/me/two-factor'));
  const { recovery_codes } = ok(await me('post', '/v1_1/me/two-factor/confirm', { code: codeAt(secret, step - 1) }));
  return { ...person, secret, recoveryCodes: recovery_codes, cookie };
}

const secondFactor = (cookie: string, code: unknown, s: TestServer = server) =>
  asPerson(s, cookie)('post', '/v1_1/sign-in/second-factor', { code });

describe('enrolling from My Profile, then signing in with a second factor', () => {
  test('the enrollment answers a secret, its key URI and an SVG QR code of it; the confirmation answers ten recovery codes', async () => {
    const person = await personWithPassword(server, account);
    const me = asPerson(server, await signIn(server, person));
    expect(ok(await me('get', '/v1_1/me/two-factor'))).toEqual({
      enabled: false,
      enabled_at: null,
      recovery_codes_left: 0,
      policy: 'optional',
    });
    const step = await currentStep();
    const enrollment = ok(await me('post', '/v1_1/me/two-factor'));
    expect(Object.keys(enrollment).sort()).toEqual(['otpauth_url', 'qr_code', 'secret']);
    expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = URI.parse(enrollment.otpauth_url) as TOTP;
    expect(uri).toMatchObject({ issuer: 'Castellan', label: person.email, algorithm: 'SHA1', digits: 6, period: 30 });
    expect(uri.secret.base32).toBe(enrollment.secret);
    expect(enrollment.qr_code).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(enrollment.qr_code.split(',')[1], 'base64').toString('utf8')).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    // Not enabled until a code of the secret is confirmed.
    expect(ok(await me('get', '/v1_1/me/two-factor')).enabled).toBe(false);
    expect(ok(await passwordSignIn(person)).status).toBe('signed_in');

    const confirmed = ok(await me('post', '/v1_1/me/two-factor/confirm', { code: codeAt(enrollment.secret, step) }));
    expect(confirmed.recovery_codes).toHaveLength(10);
    for (const code of confirmed.recovery_codes) expect(code).toMatch(/^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/);
    expect(new Set(confirmed.recovery_codes).size).toBe(10);
    const status = ok(await me('get', '/v1_1/me/two-factor'));
    expect(status).toEqual({ enabled: true, enabled_at: expect.any(String), recovery_codes_left: 10, policy: 'optional' });
    expect(ok(await me('get', '/v1_1/me')).two_factor_enabled).toBe(true);
    const events = await eventsOf(account, 'two_factor.enable', (e) => e.some((x: Json) => x.actor.user_id === person.user.id));
    expect(events.find((e: Json) => e.actor.user_id === person.user.id)).toMatchObject({ outcome: 'success', status: 200 });
  });

  test('signing in then stops at second_factor: the cookie is refused everywhere until the code, a wrong code is a 400', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    ok(await server.http().post('/v1_1/sign-out').set('cookie', person.cookie));
    const res = await passwordSignIn(person);
    expect(ok(res)).toEqual({ status: 'second_factor_required', account_id: account.account_id, user_id: person.user.id });
    const cookie = sessionCookie(res)!;
    const me = asPerson(server, cookie);
    expect(await stageOf(cookie)).toBe('second_factor');
    for (const [method, path] of [
      ['get', '/v1_1/me/sessions'],
      ['get', '/v1_1/me/two-factor'],
      ['get', `${account.base}/users`],
      ['post', '/v1_1/me/recovery-codes'],
    ] as const) {
      expectError(await me(method, path, method === 'post' ? { code: codeAt(person.secret, step) } : undefined), 401, INVALID_CREDENTIALS);
    }
    // A wrong code is the person's mistake, not a wrong session: 400 at `code`, and the session still waits.
    const wrong = await secondFactor(cookie, wrongCodeAt(person.secret, step));
    expect({ status: wrong.status, body: wrong.body }).toEqual({
      status: 400,
      body: { error: { message: 'The code is wrong, expired, or was used already', path: 'code' } },
    });
    expect(await stageOf(cookie)).toBe('second_factor');
    // The code of two steps ago is too old, whoever saw it.
    expectErrorMessage(await secondFactor(cookie, codeAt(person.secret, step - 2)), 400);
    expect(ok(await secondFactor(cookie, codeAt(person.secret, step)))).toEqual({
      status: 'signed_in',
      account_id: account.account_id,
      user_id: person.user.id,
    });
    expect(await stageOf(cookie)).toBe('full');
    ok(await me('get', '/v1_1/me/sessions'));
    // Complete now: it has no second factor to give.
    expectErrorMessage(await secondFactor(cookie, codeAt(person.secret, step + 1)), 409, 'This session is signed in already');
    const events = await eventsOf(
      account,
      'sign_in.second_factor',
      (e) => e.filter((x: Json) => x.actor.user_id === person.user.id).length >= 3,
    );
    const mine = events.filter((e: Json) => e.actor.user_id === person.user.id);
    expect(mine.map((e: Json) => [e.outcome, e.status, e.reason]).sort()).toEqual([
      ['failure', 400, 'WRONG_CODE'],
      ['failure', 400, 'WRONG_CODE'],
      ['success', 200, null],
    ]);
  });

  test('a code works once: the same code in another session later is refused, as is an older one; a newer one works', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const first = await signInAt(person, 'second_factor_required');
    const second = await signInAt(person, 'second_factor_required');
    ok(await secondFactor(first, codeAt(person.secret, step)));
    expectErrorMessage(await secondFactor(second, codeAt(person.secret, step)), 400);
    // The enrollment's code (the step before) is older than the one just used.
    expectErrorMessage(await secondFactor(second, codeAt(person.secret, step - 1)), 400);
    expect(await stageOf(second)).toBe('second_factor');
    ok(await secondFactor(second, ` ${codeAt(person.secret, step + 1).replace(/^(\d{3})/, '$1 ')} `));
    expect(await stageOf(second)).toBe('full');
  });

  test('one code sent twice at once signs in one session, not both', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const cookies = [await signInAt(person, 'second_factor_required'), await signInAt(person, 'second_factor_required')];
    const code = codeAt(person.secret, step);
    const answers = await Promise.all(cookies.map((cookie) => secondFactor(cookie, code)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect((await Promise.all(cookies.map(stageOf))).sort()).toEqual(['full', 'second_factor']);
  });

  test('the stored secret is sealed, not the base32 secret; recovery codes are stored as hashes only', async () => {
    const person = await enrolledPerson(await currentStep());
    const { totpSecret } = await credentialOf(person.user.id);
    expect(totpSecret).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(totpSecret).not.toContain(person.secret);
    expect(Buffer.from(totpSecret!.split('.')[3]!, 'base64url').toString('latin1')).not.toContain(person.secret);
    const rows = await recoveryRowsOf(person.user.id);
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of person.recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace('-', ''));
    }
    for (const row of rows) expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('recovery codes', () => {
  test('a recovery code signs in once, typed in any case with spaces or dashes; the audit log says a recovery code was used', async () => {
    const person = await enrolledPerson(await currentStep());
    const [code] = person.recoveryCodes as [string];
    const first = await signInAt(person, 'second_factor_required');
    ok(await secondFactor(first, ` ${code.toUpperCase().replace('-', ' ')} `));
    expect(await stageOf(first)).toBe('full');
    const second = await signInAt(person, 'second_factor_required');
    for (const again of [code, code.replace('-', '')]) expectErrorMessage(await secondFactor(second, again), 400);
    expect(await stageOf(second)).toBe('second_factor');
    expect((await statusOf(first)).recovery_codes_left).toBe(9);
    const events = await eventsOf(account, 'sign_in.second_factor', (e) =>
      e.some((x: Json) => x.actor.user_id === person.user.id && x.outcome === 'success'),
    );
    expect(events.find((e: Json) => e.actor.user_id === person.user.id && e.outcome === 'success').reason).toBe('RECOVERY_CODE');
  });

  test('one recovery code sent twice at once works once', async () => {
    const person = await enrolledPerson(await currentStep());
    const cookies = [await signInAt(person, 'second_factor_required'), await signInAt(person, 'second_factor_required')];
    const answers = await Promise.all(cookies.map((cookie) => secondFactor(cookie, person.recoveryCodes[0])));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  test("another user's recovery code, or code of their app, is no code of mine", async () => {
    const step = await currentStep();
    const [mine, theirs] = [await enrolledPerson(step), await enrolledPerson(step)];
    const cookie = await signInAt(mine, 'second_factor_required');
    expectErrorMessage(await secondFactor(cookie, theirs.recoveryCodes[0]), 400);
    expectErrorMessage(await secondFactor(cookie, codeAt(theirs.secret, step)), 400);
    expect(await stageOf(cookie)).toBe('second_factor');
    // Theirs still work for them.
    ok(await secondFactor(await signInAt(theirs, 'second_factor_required'), theirs.recoveryCodes[0]));
  });

  test('a new set, proven by a code, replaces the old one: the old codes stop working', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const me = asPerson(server, person.cookie);
    const before = await recoveryRowsOf(person.user.id);
    expectErrorMessage(await me('post', '/v1_1/me/recovery-codes', { code: wrongCodeAt(person.secret, step) }), 400);
    expect(await recoveryRowsOf(person.user.id)).toEqual(before);
    const renewed = ok(await me('post', '/v1_1/me/recovery-codes', { code: codeAt(person.secret, step) })).recovery_codes;
    expect(renewed).toHaveLength(10);
    expect(renewed.filter((c: string) => person.recoveryCodes.includes(c))).toEqual([]);
    expect((await statusOf(person.cookie)).recovery_codes_left).toBe(10);
    const cookie = await signInAt(person, 'second_factor_required');
    expectErrorMessage(await secondFactor(cookie, person.recoveryCodes[1]), 400);
    // A recovery code proves the person too (one who lost the app renews their codes with one).
    const again = ok(await me('post', '/v1_1/me/recovery-codes', { code: renewed[0] })).recovery_codes;
    expectErrorMessage(await secondFactor(cookie, renewed[1]), 400);
    ok(await secondFactor(cookie, again[0]));
    const events = await eventsOf(
      account,
      'recovery_codes.regenerate',
      (e) => e.filter((x: Json) => x.actor.user_id === person.user.id).length >= 3,
    );
    expect(
      events
        .filter((e: Json) => e.actor.user_id === person.user.id)
        .map((e: Json) => [e.outcome, e.reason])
        .sort(),
    ).toEqual([
      ['failure', 'WRONG_CODE'],
      ['success', null],
      ['success', 'RECOVERY_CODE'],
    ]);
  });

  test('without two-factor there are no codes to renew (409)', async () => {
    const me = asPerson(server, await signIn(server, await personWithPassword(server, account)));
    expectErrorMessage(await me('post', '/v1_1/me/recovery-codes', { code: '123456' }), 409, 'Two-factor authentication is not enabled');
  });
});

describe('changing my second factor', () => {
  test('starting again replaces a secret not confirmed yet: only a code of the newest works', async () => {
    const step = await currentStep();
    const person = await personWithPassword(server, account);
    const me = asPerson(server, await signIn(server, person));
    const old = ok(await me('post', '/v1_1/me/two-factor'));
    const current = ok(await me('post', '/v1_1/me/two-factor'));
    expect(current.secret).not.toBe(old.secret);
    expectErrorMessage(await me('post', '/v1_1/me/two-factor/confirm', { code: codeAt(old.secret, step) }), 400);
    ok(await me('post', '/v1_1/me/two-factor/confirm', { code: codeAt(current.secret, step) }));
  });

  test('once enabled, starting again is refused (409) and the secret stays; confirming without a start is a 409', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const me = asPerson(server, person.cookie);
    const before = await credentialOf(person.user.id);
    expectErrorMessage(await me('post', '/v1_1/me/two-factor'), 409, 'Two-factor authentication is already enabled');
    expectErrorMessage(await me('post', '/v1_1/me/two-factor/confirm', { code: codeAt(person.secret, step) }), 409);
    expect(await credentialOf(person.user.id)).toEqual(before);
    const fresh = asPerson(server, await signIn(server, await personWithPassword(server, account)));
    expectErrorMessage(
      await fresh('post', '/v1_1/me/two-factor/confirm', { code: '123456' }),
      409,
      expect.stringContaining('start one first'),
    );
  });

  test('turning it off needs a code; then signing in needs none, and the secret and codes are gone', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const me = asPerson(server, person.cookie);
    expectErrorMessage(await me('delete', '/v1_1/me/two-factor'), 400, 'code is required');
    expectErrorMessage(await me('delete', '/v1_1/me/two-factor', { code: wrongCodeAt(person.secret, step) }), 400);
    expect((await statusOf(person.cookie)).enabled).toBe(true);
    expect(ok(await me('delete', '/v1_1/me/two-factor', { code: codeAt(person.secret, step) }))).toEqual({ message: 'ok' });
    expect(await statusOf(person.cookie)).toEqual({ enabled: false, enabled_at: null, recovery_codes_left: 0, policy: 'optional' });
    expect(await credentialOf(person.user.id)).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(await recoveryRowsOf(person.user.id)).toEqual([]);
    await signInAt(person, 'signed_in');
    expectErrorMessage(await me('delete', '/v1_1/me/two-factor', { code: codeAt(person.secret, step + 1) }), 409);
    const events = await eventsOf(
      account,
      'two_factor.disable',
      (e) => e.filter((x: Json) => x.actor.user_id === person.user.id).length >= 2,
    );
    expect(
      events
        .filter((e: Json) => e.actor.user_id === person.user.id)
        .map((e: Json) => [e.outcome, e.status])
        .sort(),
    ).toEqual([
      ['failure', 400],
      ['success', 200],
    ]);
  });

  test('a recovery code turns it off too', async () => {
    const person = await enrolledPerson(await currentStep());
    ok(await asPerson(server, person.cookie)('delete', '/v1_1/me/two-factor', { code: person.recoveryCodes[4] }));
    expect((await statusOf(person.cookie)).enabled).toBe(false);
  });
});

describe('an account that requires two-factor', () => {
  let strict: TestAccount;
  beforeAll(async () => {
    strict = await server.newAccount('Two-factor required');
    ok(await call('put', `${strict.base}/security`, strict.auth, { two_factor: 'required' }));
  });

  test('a user without it signs in to enrollment: only the enrollment routes work, and confirming completes the session', async () => {
    const step = await currentStep();
    const person = await personWithPassword(server, strict);
    const cookie = await signInAt(person, 'enrollment_required');
    const me = asPerson(server, cookie);
    expect(await stageOf(cookie)).toBe('enrollment');
    expectError(await me('get', '/v1_1/me/two-factor'), 401, INVALID_CREDENTIALS);
    expectError(await me('post', '/v1_1/me/two-factor'), 401, INVALID_CREDENTIALS);
    expectError(await me('get', `${strict.base}/users`), 401, INVALID_CREDENTIALS);
    expectError(await secondFactor(cookie, '123456'), 401, INVALID_CREDENTIALS);
    expectErrorMessage(
      await me('post', '/v1_1/sign-in/enrollment/confirm', { code: '123456' }),
      409,
      expect.stringContaining('start one first'),
    );

    const enrollment = ok(await me('post', '/v1_1/sign-in/enrollment'));
    expect((URI.parse(enrollment.otpauth_url) as TOTP).label).toBe(person.email);
    expect(enrollment.qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    expectErrorMessage(await me('post', '/v1_1/sign-in/enrollment/confirm', { code: wrongCodeAt(enrollment.secret, step) }), 400);
    expect(await stageOf(cookie)).toBe('enrollment');
    const { recovery_codes } = ok(await me('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(enrollment.secret, step) }));
    expect(recovery_codes).toHaveLength(10);
    expect(await stageOf(cookie)).toBe('full');
    expect(await statusOf(cookie)).toMatchObject({ enabled: true, recovery_codes_left: 10, policy: 'required' });
    const user = ok(await call('get', `${strict.base}/users/${person.user.id}`, strict.auth));
    expect(user).toMatchObject({ pending: false, last_login: expect.any(String) });
    // The next sign-in asks for a code.
    ok(await secondFactor(await signInAt(person, 'second_factor_required'), codeAt(enrollment.secret, step + 1)));
  });

  test('turning it off is refused (403), before the code is looked at: the code still works after', async () => {
    const step = await currentStep();
    const a = await server.newAccount('Two-factor required later');
    const person = await enrolledPerson(step, a);
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    const me = asPerson(server, person.cookie);
    const res = await me('delete', '/v1_1/me/two-factor', { code: codeAt(person.secret, step) });
    expectErrorMessage(res, 403, expect.stringContaining('requires two-factor authentication'));
    expect((await statusOf(person.cookie)).enabled).toBe(true);
    ok(await secondFactor(await signInAt(person, 'second_factor_required'), codeAt(person.secret, step)));
  });

  test('a complete session of a user without it goes back to enrollment when the policy becomes required', async () => {
    const step = await currentStep();
    const a = await server.newAccount('Policy changes');
    const person = await personWithPassword(server, a);
    const cookie = await signIn(server, person);
    const me = asPerson(server, cookie);
    ok(await me('get', '/v1_1/me/two-factor'));
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    expectError(await me('get', '/v1_1/me/two-factor'), 401, INVALID_CREDENTIALS);
    expect(await stageOf(cookie)).toBe('enrollment');
    const { secret } = ok(await me('post', '/v1_1/sign-in/enrollment'));
    ok(await me('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(secret, step) }));
    expect((await statusOf(cookie)).enabled).toBe(true);
  });

  test('the enrollment routes apply the policy as it is now: a complete session they find lacking enrolls there', async () => {
    const step = await currentStep();
    const a = await server.newAccount('Policy changes too');
    const cookie = await signIn(server, await personWithPassword(server, a));
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    const { secret } = ok(await asPerson(server, cookie)('post', '/v1_1/sign-in/enrollment'));
    ok(await asPerson(server, cookie)('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(secret, step) }));
    expect(await stageOf(cookie)).toBe('full');
  });

  test("a session that got in with the password alone cannot replace the user's enrolled secret", async () => {
    const step = await currentStep();
    const person = await personWithPassword(server, strict);
    // Two enrollment sessions: the user's, and one opened with the same password (a thief's, say).
    const users = asPerson(server, await signInAt(person, 'enrollment_required'));
    const thief = asPerson(server, await signInAt(person, 'enrollment_required'));
    const { secret } = ok(await users('post', '/v1_1/sign-in/enrollment'));
    ok(await users('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(secret, step) }));
    const before = await credentialOf(person.user.id);
    // The user has a second factor now: the other session must prove it, and may enroll nothing.
    expectError(await thief('post', '/v1_1/sign-in/enrollment'), 401, INVALID_CREDENTIALS);
    expectError(await thief('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(secret, step + 1) }), 401, INVALID_CREDENTIALS);
    expect(await credentialOf(person.user.id)).toEqual(before);
    expectError(await thief('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
    expect(ok(await thief('get', '/v1_1/session')).stage).toBe('second_factor');
    // And a session waiting for the second factor may not enroll another one either.
    const waiting = asPerson(server, await signInAt(person, 'second_factor_required'));
    expectError(await waiting('post', '/v1_1/sign-in/enrollment'), 401, INVALID_CREDENTIALS);
    expectError(await waiting('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(secret, step + 1) }), 401, INVALID_CREDENTIALS);
    expect(await credentialOf(person.user.id)).toEqual(before);
  });

  test('a confirmation with a code of a secret replaced meanwhile is refused', async () => {
    const step = await currentStep();
    const person = await personWithPassword(server, strict);
    const [one, two] = [
      asPerson(server, await signInAt(person, 'enrollment_required')),
      asPerson(server, await signInAt(person, 'enrollment_required')),
    ];
    const first = ok(await one('post', '/v1_1/sign-in/enrollment'));
    ok(await two('post', '/v1_1/sign-in/enrollment'));
    expectErrorMessage(await one('post', '/v1_1/sign-in/enrollment/confirm', { code: codeAt(first.secret, step) }), 400);
    expect((await credentialOf(person.user.id)).totpEnabledAt).toBeNull();
  });
});

describe('the sign-in stage routes', () => {
  const stageRoutes = ['/v1_1/sign-in/second-factor', '/v1_1/sign-in/enrollment', '/v1_1/sign-in/enrollment/confirm'];

  test('without a cookie, or with one that names no session, they answer 401', async () => {
    for (const path of stageRoutes) {
      expectError(await server.http().post(path).set(CSRF_HEADER, CSRF_HEADER_VALUE).send({ code: '123456' }), 401, INVALID_CREDENTIALS);
      const madeUp = `castellan_session=${'M'.repeat(43)}`;
      expectError(await asPerson(server, madeUp)('post', path, { code: '123456' }), 401, INVALID_CREDENTIALS);
    }
  });

  test('a complete session is told it is complete (409)', async () => {
    const cookie = await signIn(server, await personWithPassword(server, account));
    for (const path of stageRoutes) expectErrorMessage(await asPerson(server, cookie)('post', path, { code: '123456' }), 409);
  });

  test('a password session that single sign-on now excludes is ended, right code or not', async () => {
    const step = await currentStep();
    const a = await server.newAccount('SSO later');
    const person = await enrolledPerson(step, a);
    const cookie = await signInAt(person, 'second_factor_required');
    ok(await call('put', `${a.base}/security`, a.auth, ssoRequired()));
    expectError(await secondFactor(cookie, codeAt(person.secret, step)), 401, INVALID_CREDENTIALS);
    expectError(await server.http().get('/v1_1/session').set('cookie', cookie), 401, INVALID_CREDENTIALS);
  });

  test('without the CSRF header they are refused (403), and the session still waits', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const cookie = await signInAt(person, 'second_factor_required');
    const res = await asPerson(server, cookie, { csrf: false })('post', '/v1_1/sign-in/second-factor', {
      code: codeAt(person.secret, step),
    });
    expectErrorMessage(res, 403, expect.stringContaining('x-requested-with'));
    expect(await stageOf(cookie)).toBe('second_factor');
    ok(await secondFactor(cookie, codeAt(person.secret, step)));
  });

  test('bad bodies: 400, no code is counted or used, and the session still waits', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const cookie = await signInAt(person, 'second_factor_required');
    const code = codeAt(person.secret, step);
    for (const body of [
      {},
      { code: null },
      { code: Number(`1${code}`) },
      { code: '' },
      { code: '12345' },
      { code: '1234567' },
      { code: 'abc' },
      { code: `${code}\u0000` },
      { code: 'x'.repeat(100) },
      { code: [code] },
    ]) {
      expectErrorMessage(await asPerson(server, cookie)('post', '/v1_1/sign-in/second-factor', body), 400);
    }
    expect(await stageOf(cookie)).toBe('second_factor');
    const events = await eventsOf(account, 'sign_in.second_factor', () => true);
    expect(events.filter((e: Json) => e.actor.user_id === person.user.id)).toEqual([]);
    ok(await secondFactor(cookie, code));
  });

  test('the person routes refuse bad bodies with 400 and change nothing', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const me = asPerson(server, person.cookie);
    const before = [await credentialOf(person.user.id), await recoveryRowsOf(person.user.id)];
    for (const [method, path] of [
      ['post', '/v1_1/me/two-factor/confirm'],
      ['delete', '/v1_1/me/two-factor'],
      ['post', '/v1_1/me/recovery-codes'],
    ] as const) {
      for (const body of [{}, { code: 123456 }, { code: 'abcd' }, { code: '1'.repeat(40) }])
        expectErrorMessage(await me(method, path, body), 400);
    }
    expect([await credentialOf(person.user.id), await recoveryRowsOf(person.user.id)]).toEqual(before);
  });
});

describe('who may call what', () => {
  const personRoutes = [
    ['get', '/v1_1/me/two-factor'],
    ['post', '/v1_1/me/two-factor'],
    ['post', '/v1_1/me/two-factor/confirm'],
    ['delete', '/v1_1/me/two-factor'],
    ['post', '/v1_1/me/recovery-codes'],
  ] as const;

  test('an API key is refused (403), even the root key; no credentials are a 401', async () => {
    for (const [method, path] of personRoutes) {
      expectErrorMessage(
        await call(method, path, account.auth, method === 'get' ? undefined : { code: '123456' }),
        403,
        expect.stringContaining('person'),
      );
      expectError(await call(method, path, null, method === 'get' ? undefined : { code: '123456' }), 401, INVALID_CREDENTIALS);
    }
  });

  test("another account's person acts on their own second factor only", async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step);
    const other = await server.newAccount('Elsewhere');
    const stranger = await personWithPassword(server, other);
    const theirs = asPerson(server, await signIn(server, stranger));
    const before = [await credentialOf(person.user.id), await recoveryRowsOf(person.user.id)];
    // My codes prove nothing for them, and what they do changes their own user.
    expectErrorMessage(await theirs('delete', '/v1_1/me/two-factor', { code: codeAt(person.secret, step) }), 409);
    expectErrorMessage(await theirs('post', '/v1_1/me/recovery-codes', { code: person.recoveryCodes[0] }), 409);
    expect(ok(await theirs('get', '/v1_1/me/two-factor')).enabled).toBe(false);
    ok(await theirs('post', '/v1_1/me/two-factor'));
    expect([await credentialOf(person.user.id), await recoveryRowsOf(person.user.id)]).toEqual(before);
    // Their session on my account's paths is refused, as their key would be.
    expectError(await theirs('get', `${account.base}/users/${person.user.id}`), 401, INVALID_CREDENTIALS);
    ok(await secondFactor(await signInAt(person, 'second_factor_required'), codeAt(person.secret, step)));
  });
});

describe('throttling wrong codes', () => {
  let throttled: TestServer;
  let a: TestAccount;
  beforeAll(async () => {
    throttled = await startServer({ AUTH_FAILURE_BURST: '3', TRUST_PROXY: '127.0.0.1' });
    a = await throttled.newAccount('Throttled codes');
  });
  afterAll(() => throttled.close());
  const from = (ip: string, cookie: string, path: string, body: object, method: 'post' | 'delete' = 'post') =>
    throttled.http()[method](path).set('x-forwarded-for', ip).set('cookie', cookie).set(CSRF_HEADER, CSRF_HEADER_VALUE).send(body);

  test('past the burst, wrong codes are answered 429, then even the right code waits, and so does the password', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step, a, throttled);
    const cookie = await signInAt(person, 'second_factor_required', throttled);
    const wrong = { code: wrongCodeAt(person.secret, step) };
    for (let i = 0; i < 3; i++) expectErrorMessage(await from(`198.18.5.${i + 1}`, cookie, '/v1_1/sign-in/second-factor', wrong), 400);
    const blocked = await from('198.18.5.9', cookie, '/v1_1/sign-in/second-factor', wrong);
    expectErrorMessage(blocked, 429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('198.18.5.10', cookie, '/v1_1/sign-in/second-factor', { code: codeAt(person.secret, step) })).status).toBe(429);
    expect((await passwordSignIn(person, throttled).set('x-forwarded-for', '198.18.5.11')).status).toBe(429);
    // The session still waits; another user is not affected.
    const current = ok(await throttled.http().get('/v1_1/session').set('cookie', cookie));
    expect(current.stage).toBe('second_factor');
    const other = await enrolledPerson(step, a, throttled);
    ok(
      await from('198.18.5.12', await signInAt(other, 'second_factor_required', throttled), '/v1_1/sign-in/second-factor', {
        code: codeAt(other.secret, step),
      }),
    );
    const events = ok(await bind(() => throttled).call('get', `${a.base}/audit_events?action=sign_in.second_factor`, a.auth)).events;
    expect(events.filter((e: Json) => e.actor.user_id === person.user.id && e.status === 429).length).toBeGreaterThan(0);
  });

  test('wrong codes from a session of My Profile count the same: a stolen session cannot guess codes', async () => {
    const step = await currentStep();
    const person = await enrolledPerson(step, a, throttled);
    const wrong = { code: wrongCodeAt(person.secret, step) };
    for (let i = 0; i < 3; i++)
      expectErrorMessage(await from(`198.18.6.${i + 1}`, person.cookie, '/v1_1/me/two-factor', wrong, 'delete'), 400);
    expectErrorMessage(await from('198.18.6.9', person.cookie, '/v1_1/me/recovery-codes', wrong), 429);
    expect((await from('198.18.6.10', person.cookie, '/v1_1/me/two-factor', { code: codeAt(person.secret, step) }, 'delete')).status).toBe(
      429,
    );
    expect(ok(await asPerson(throttled, person.cookie)('get', '/v1_1/me/two-factor')).enabled).toBe(true);
  });
});

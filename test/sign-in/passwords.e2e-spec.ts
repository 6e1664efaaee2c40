import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@castellan/core';
import { SignInTokenEntity } from '../../libs/sign-in/src/invitations/sign-in-token.entity.js';
import { PasswordService, RESET_MAILS_PER_USER, RESET_REQUESTS_PER_ADDRESS } from '../../libs/sign-in/src/passwords/password.service.js';
import { expectError, INVALID_CREDENTIALS, ISO_SECONDS, startServer, TestAccount, TestServer } from '../support/harness.js';
import { bind, expectErrorMessage, ok } from '../support/http.js';
import type { Json } from '../support/http.js';
import { asPerson, GOOD_PASSWORD, personWithPassword, sessionCookie, signIn, uniqueEmail } from '../support/people.js';
import type { Person } from '../support/people.js';
import { ReceivedMail, startSmtp, TestSmtp } from '../support/smtp.js';

// Passwords over real HTTP into a real database, with a real SMTP server: a reset asked for by email (which never
// tells whether the email has a user), read back from the mail and confirmed; a signed-in person's change; what
// each ends (sessions, outstanding links); the throttles; and that no password reaches the log.

const PUBLIC_URL = 'https://castellan.example';
const NEW_PASSWORD = 'a brand new pass phrase 42';
const INVALID_RESET = 'This password reset link is not valid (used, replaced or expired)';
const RESET_SUBJECT = 'Reset your Castellan password';

let smtp: TestSmtp;
let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  smtp = await startSmtp();
  // Behind a trusted proxy, so that each test asks from addresses of its own: an address may ask 20 times an hour.
  server = await startServer({ SMTP_URL: smtp.url, PUBLIC_URL, TRUST_PROXY: '127.0.0.1' });
  account = await server.newAccount('Passwords');
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});
const { call } = bind(() => server);

let addresses = 0;
/** A client address no other request of the suite came from. */
const freshIp = () => `198.18.${Math.floor(addresses / 250)}.${(addresses++ % 250) + 1}`;

/** Asks for a reset, and waits until the mails it causes (if any) are sent: the answer comes before them. */
async function requestReset(s: TestServer, body: object, ip = freshIp()) {
  const res = await s.http().post('/v1_1/password-reset').set('x-forwarded-for', ip).send(body);
  await s.app.get(PasswordService).settled();
  return res;
}
const resetMailsTo = (email: string): ReceivedMail[] => smtp.mails.filter((m) => m.to.includes(email) && m.subject === RESET_SUBJECT);
const resetTokenIn = (mail: ReceivedMail | undefined): string =>
  /\/console\/#\/reset-password\/([A-Za-z0-9_-]{43})$/m.exec(mail?.text ?? '')![1]!;
/** Asks for a reset of `person` and answers the link's token. */
async function resetToken(person: Pick<Person, 'email'>, s: TestServer = server): Promise<string> {
  ok(await requestReset(s, { email: person.email }));
  return resetTokenIn(resetMailsTo(person.email).at(-1));
}
const confirm = (body: object) => server.http().post('/v1_1/password-reset/confirm').send(body);
const signInStatus = async (email: string, password: string, s: TestServer = server) =>
  (await s.http().post('/v1_1/sign-in').set(CSRF_HEADER, CSRF_HEADER_VALUE).send({ email, password })).status;
const userOf = async (a: TestAccount, id: string): Promise<Json> => ok(await call('get', `${a.base}/users/${id}`, a.auth));
const works = async (cookie: string) => ok(await asPerson(server, cookie)('get', '/v1_1/me/sessions'));
const refused = async (cookie: string) => expectError(await asPerson(server, cookie)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);

/** Audit events appear just after the answer: they are written beside it. */
async function auditEvents(a: TestAccount, query: string, until: (events: Json[]) => boolean): Promise<Json[]> {
  for (let i = 0; ; i++) {
    const events = ok(await call('get', `${a.base}/audit_events?${query}`, a.auth)).events;
    if (until(events) || i === 50) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const byUser = (userId: string) => (events: Json[]) => events.filter((e: Json) => e.actor.user_id === userId);

describe('password reset', () => {
  test('an unknown email is answered ok, and nothing is mailed', async () => {
    const count = smtp.mails.length;
    expect(ok(await requestReset(server, { email: uniqueEmail('nobody') }))).toEqual({ message: 'ok' });
    expect(ok(await requestReset(server, { email: uniqueEmail('nobody'), account_id: account.account_id }))).toEqual({ message: 'ok' });
    expect(smtp.mails).toHaveLength(count);
  });

  test('end to end: the mail, a new password, every session ended, the old password refused, the link used up, all audited', async () => {
    const person = await personWithPassword(server, account, { role: 'admin' });
    const [before, alsoBefore] = [await signIn(server, person), await signIn(server, person)];
    const start = Date.now();
    // The email compares after case folding, as at sign-in.
    expect(ok(await requestReset(server, { email: person.email.toUpperCase() }))).toEqual({ message: 'ok' });
    const [mail] = resetMailsTo(person.email);
    expect(resetMailsTo(person.email)).toHaveLength(1);
    const token = resetTokenIn(mail);
    expect(mail!.text).toContain(`${PUBLIC_URL}/console/#/reset-password/${token}`);
    expect(mail!.text).toContain('"Passwords"');
    const expiry = /until (\S+) \(UTC\)/.exec(mail!.text)![1]!;
    expect(expiry).toMatch(ISO_SECONDS);
    expect(Math.abs(Date.parse(expiry) - start - 60 * 60_000)).toBeLessThan(60_000);
    // Asking changes nothing yet.
    await works(before);

    const res = await confirm({ token, password: NEW_PASSWORD });
    expect(ok(res)).toEqual({ message: 'ok' });
    expect(sessionCookie(res)).toBeUndefined();
    await refused(before);
    await refused(alsoBefore);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(401);
    await signIn(server, { email: person.email, password: NEW_PASSWORD });
    expectErrorMessage(await confirm({ token, password: 'yet another pass phrase 7' }), 400, INVALID_RESET);
    await signIn(server, { email: person.email, password: NEW_PASSWORD });

    const mine = byUser(person.user.id);
    const requested = await auditEvents(account, 'action=password_reset.request', (e) => mine(e).length > 0);
    expect(mine(requested)).toEqual([
      expect.objectContaining({ outcome: 'success', status: 200, target: { type: 'user', id: person.user.id } }),
    ]);
    const confirmed = await auditEvents(account, 'action=password_reset.confirm', (e) => mine(e).length > 0);
    expect(mine(confirmed)).toEqual([
      expect.objectContaining({ outcome: 'success', actor: { kind: 'session', user_id: person.user.id, api_key: null } }),
    ]);
  });

  test('a password the policy refuses: 400 saying why, nothing changed, and the link still works', async () => {
    const person = await personWithPassword(server, account);
    const cookie = await signIn(server, person);
    const token = await resetToken(person);
    for (const [password, words] of [
      ['too short', 'at least 12 characters'],
      ['password1234', 'most common'],
      [`${person.email} is mine`, 'email address or name'],
      ['', 'password is required'],
    ]) {
      const res = await confirm({ token, password });
      expectErrorMessage(res, 400, expect.stringContaining(words));
      expect(res.body.error.path).toBe('password');
    }
    await works(cookie);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
    ok(await confirm({ token, password: NEW_PASSWORD }));
  });

  test('an expired link is refused with the one message, and changes nothing', async () => {
    const person = await personWithPassword(server, account);
    const token = await resetToken(person);
    await server.app
      .get(DataSource)
      .getRepository(SignInTokenEntity)
      .update({ userId: person.user.id, purpose: 'password_reset' }, { expiresAt: new Date(Date.now() - 1000) });
    expectErrorMessage(await confirm({ token, password: NEW_PASSWORD }), 400, INVALID_RESET);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
  });

  test('a newer link replaces the earlier one', async () => {
    const person = await personWithPassword(server, account);
    const first = await resetToken(person);
    const second = await resetToken(person);
    expect(second).not.toBe(first);
    expectErrorMessage(await confirm({ token: first, password: NEW_PASSWORD }), 400, INVALID_RESET);
    ok(await confirm({ token: second, password: NEW_PASSWORD }));
  });

  test('a pending user who resets is pending no more, and their invitation link stops working', async () => {
    const email = uniqueEmail('pending');
    const user = ok(await call('post', `${account.base}/users`, account.auth, { name: 'Pia Pending', email }));
    const invitation = /#\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(smtp.mails.filter((m) => m.to.includes(email)).at(-1)!.text)![1]!;
    ok(await confirm({ token: await resetToken({ email }), password: NEW_PASSWORD }));
    expect((await userOf(account, user.id)).pending).toBe(false);
    const accept = await server
      .http()
      .post('/v1_1/invitations/accept')
      .set(CSRF_HEADER, CSRF_HEADER_VALUE)
      .send({ token: invitation, password: 'a takeover pass phrase 1' });
    expectErrorMessage(accept, 400, 'This invitation link is not valid (used, revoked or expired)');
    expect(await signInStatus(email, NEW_PASSWORD)).toBe(200);
  });

  test('a reset link is no invitation, and an invitation is no reset link', async () => {
    const email = uniqueEmail('crossed');
    ok(await call('post', `${account.base}/users`, account.auth, { name: 'Cy Crossed', email }));
    const invitation = /#\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(smtp.mails.filter((m) => m.to.includes(email)).at(-1)!.text)![1]!;
    expectErrorMessage(await confirm({ token: invitation, password: NEW_PASSWORD }), 400, INVALID_RESET);
    const reset = await resetToken({ email });
    const res = await server.http().post('/v1_1/invitations/inspect').send({ token: reset });
    expectErrorMessage(res, 400, 'This invitation link is not valid (used, revoked or expired)');
  });

  test('a disabled user is mailed nothing, and a link of a user disabled since is refused', async () => {
    const disabled = await personWithPassword(server, account, { enabled: false });
    ok(await requestReset(server, { email: disabled.email }));
    expect(resetMailsTo(disabled.email)).toEqual([]);
    const person = await personWithPassword(server, account);
    const token = await resetToken(person);
    ok(await call('put', `${account.base}/users/${person.user.id}`, account.auth, { enabled: false }));
    expectErrorMessage(await confirm({ token, password: NEW_PASSWORD }), 400, INVALID_RESET);
  });

  test('one email in two accounts: each user is mailed, or only the one of account_id', async () => {
    const other = await server.newAccount('Passwords elsewhere');
    const email = uniqueEmail('twice');
    await personWithPassword(server, account, { email });
    const there = await personWithPassword(server, other, { email });
    ok(await requestReset(server, { email }));
    expect(
      resetMailsTo(email)
        .map((m) => /in the account "([^"]+)"/.exec(m.text)![1])
        .sort(),
    ).toEqual(['Passwords', 'Passwords elsewhere']);
    ok(await requestReset(server, { email, account_id: other.account_id }));
    expect(resetMailsTo(email)).toHaveLength(3);
    expect(resetMailsTo(email).at(-1)!.text).toContain('"Passwords elsewhere"');
    ok(await confirm({ token: resetTokenIn(resetMailsTo(email).at(-1)), password: NEW_PASSWORD }));
    expect(ok(await call('get', `${other.base}/users/${there.user.id}`, other.auth)).pending).toBe(false);
    // The password changed in that account only.
    await signIn(server, { email, password: NEW_PASSWORD }, other.account_id);
    await signIn(server, { email, password: GOOD_PASSWORD }, account.account_id);
  });

  test('a user is mailed 5 links an hour; more requests are answered ok, mail nothing, and are audited as throttled', async () => {
    const person = await personWithPassword(server, account);
    for (let i = 0; i < RESET_MAILS_PER_USER.points; i++) ok(await requestReset(server, { email: person.email }));
    expect(resetMailsTo(person.email)).toHaveLength(5);
    expect(ok(await requestReset(server, { email: person.email }))).toEqual({ message: 'ok' });
    expect(resetMailsTo(person.email)).toHaveLength(5);
    const events = await auditEvents(account, 'action=password_reset.request', (e) => byUser(person.user.id)(e).length === 6);
    expect(
      byUser(person.user.id)(events)
        .map((e: Json) => [e.status, e.reason])
        .sort(),
    ).toEqual([
      [200, null],
      [200, null],
      [200, null],
      [200, null],
      [200, null],
      [429, 'THROTTLED'],
    ]);
  });

  test('an address may ask 20 times an hour: then 429 with Retry-After, and nothing mailed; another address may still ask', async () => {
    const person = await personWithPassword(server, account);
    const ip = freshIp();
    for (let i = 0; i < RESET_REQUESTS_PER_ADDRESS.points; i++) ok(await requestReset(server, { email: uniqueEmail('probe') }, ip));
    const res = await requestReset(server, { email: person.email }, ip);
    expectErrorMessage(
      res,
      429,
      expect.stringMatching(/^Too many password reset requests: 20 an hour per address; retry after \d+ seconds$/),
    );
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(resetMailsTo(person.email)).toEqual([]);
    ok(await requestReset(server, { email: person.email }));
    expect(resetMailsTo(person.email)).toHaveLength(1);
  });

  test('bad bodies: 400, and nothing mailed or changed', async () => {
    const person = await personWithPassword(server, account);
    const count = smtp.mails.length;
    for (const body of [
      {},
      { email: 5 },
      { email: 'x'.repeat(256) },
      { email: person.email, account_id: 'x'.repeat(37) },
      { email: ['a', 'b'] },
    ])
      expectErrorMessage(await requestReset(server, body), 400);
    expect(smtp.mails).toHaveLength(count);
    const token = await resetToken(person);
    for (const body of [{}, { token }, { password: NEW_PASSWORD }, { token: 7, password: NEW_PASSWORD }, { token, password: 7 }])
      expectErrorMessage(await confirm(body), 400);
    for (const made of ['C'.repeat(43), 'short'])
      expectErrorMessage(await confirm({ token: made, password: NEW_PASSWORD }), 400, INVALID_RESET);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
    ok(await confirm({ token, password: NEW_PASSWORD }));
  });
});

describe('password change', () => {
  const change = (cookie: string, body: object) => asPerson(server, cookie)('put', '/v1_1/me/password', body);

  test('keeps this session and ends the others; the new password signs in, the old one no more; audited', async () => {
    const person = await personWithPassword(server, account);
    const [mine, other] = [await signIn(server, person), await signIn(server, person)];
    expect(ok(await change(mine, { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD }))).toEqual({ message: 'ok' });
    await works(mine);
    await refused(other);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(401);
    expect(await signInStatus(person.email, NEW_PASSWORD)).toBe(200);
    const events = await auditEvents(account, 'action=password.change', (e) => byUser(person.user.id)(e).length > 0);
    expect(byUser(person.user.id)(events)).toEqual([expect.objectContaining({ outcome: 'success', status: 200 })]);
  });

  test('a wrong current password: 400 at current_password, nothing changed, audited as a failure', async () => {
    const person = await personWithPassword(server, account);
    const [mine, other] = [await signIn(server, person), await signIn(server, person)];
    const res = await change(mine, { current_password: `${GOOD_PASSWORD}!`, new_password: NEW_PASSWORD });
    expectErrorMessage(res, 400, 'The current password is wrong');
    expect(res.body.error.path).toBe('current_password');
    await works(other);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
    const events = await auditEvents(account, 'action=password.change', (e) => byUser(person.user.id)(e).length > 0);
    expect(byUser(person.user.id)(events)).toEqual([
      expect.objectContaining({ outcome: 'failure', status: 400, reason: 'WRONG_PASSWORD' }),
    ]);
  });

  test('a new password the policy refuses: 400 at new_password, and nothing changed', async () => {
    const person = await personWithPassword(server, account);
    const cookie = await signIn(server, person);
    for (const [password, words] of [
      ['short one', 'at least 12 characters'],
      ['qwertyuiop123', 'most common'],
      [`${person.email.split('@')[0]}!!`, 'email address or name'],
    ]) {
      const res = await change(cookie, { current_password: GOOD_PASSWORD, new_password: password });
      expectErrorMessage(res, 400, expect.stringContaining(words));
      expect(res.body.error.path).toBe('new_password');
    }
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
  });

  test('bad bodies: 400, and nothing changed', async () => {
    const person = await personWithPassword(server, account);
    const cookie = await signIn(server, person);
    for (const body of [
      {},
      { current_password: GOOD_PASSWORD },
      { new_password: NEW_PASSWORD },
      { current_password: 1, new_password: NEW_PASSWORD },
      { current_password: GOOD_PASSWORD, new_password: ['x'] },
      { current_password: GOOD_PASSWORD, new_password: 'x'.repeat(1025) },
    ])
      expectErrorMessage(await change(cookie, body), 400);
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
    await works(cookie);
  });

  test('no cookie: 401; a key, even the root key: 403; no CSRF header: 403; nothing changed', async () => {
    const person = await personWithPassword(server, account);
    const cookie = await signIn(server, person);
    const body = { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD };
    expectError(await server.http().put('/v1_1/me/password').send(body), 401, INVALID_CREDENTIALS);
    expectErrorMessage(await call('put', '/v1_1/me/password', account.auth, body), 403, expect.stringContaining('person'));
    const noHeader = await asPerson(server, cookie, { csrf: false })('put', '/v1_1/me/password', body);
    expectErrorMessage(noHeader, 403, expect.stringContaining('x-requested-with'));
    expect(await signInStatus(person.email, GOOD_PASSWORD)).toBe(200);
  });

  test('a new password ends the links mailed before it: an old reset link cannot undo it', async () => {
    const person = await personWithPassword(server, account);
    const token = await resetToken(person);
    ok(await change(await signIn(server, person), { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD }));
    expectErrorMessage(await confirm({ token, password: 'an attacker pass phrase 3' }), 400, INVALID_RESET);
    expect(await signInStatus(person.email, NEW_PASSWORD)).toBe(200);
  });
});

describe('wrong current passwords are counted like failed sign-ins', () => {
  let strict: TestServer;
  let a: TestAccount;
  beforeAll(async () => {
    strict = await startServer({ SMTP_URL: smtp.url, AUTH_FAILURE_BURST: '3', TRUST_PROXY: '127.0.0.1' });
    a = await strict.newAccount('Strict passwords');
  });
  afterAll(() => strict.close());

  test('past the burst the user is blocked: even the right current password, and signing in, wait (429, Retry-After)', async () => {
    const person = await personWithPassword(strict, a);
    const cookie = await signIn(strict, person);
    const change = (ip: string, current: string) =>
      asPerson(strict, cookie)('put', '/v1_1/me/password', { current_password: current, new_password: NEW_PASSWORD }).set(
        'x-forwarded-for',
        ip,
      );
    for (let i = 0; i < 3; i++)
      expectErrorMessage(await change(`198.19.1.${i + 1}`, `${GOOD_PASSWORD}?`), 400, 'The current password is wrong');
    const blocked = await change('198.19.1.9', `${GOOD_PASSWORD}?`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await change('198.19.1.10', GOOD_PASSWORD)).status).toBe(429);
    const signInFrom = await strict
      .http()
      .post('/v1_1/sign-in')
      .set('x-forwarded-for', '198.19.1.11')
      .set(CSRF_HEADER, CSRF_HEADER_VALUE)
      .send({ email: person.email, password: GOOD_PASSWORD });
    expect(signInFrom.status).toBe(429);
  });
});

describe('passwords never reach the log', () => {
  test('accepting, resetting, changing and failing, with every line logged: no password and no link token in the output', async () => {
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }),
    );
    const passwords = ['first secret phrase AAA1', 'second secret phrase BBB2', 'third secret phrase CCC3', 'wrong secret phrase DDD4'];
    const tokens: string[] = [];
    let chatty: TestServer | undefined;
    try {
      // Captured from the start: what the server says while it starts is in the log too.
      const logged = (chatty = await startServer({ SMTP_URL: smtp.url, LOG_LEVEL: 'verbose' }));
      const a = await logged.newAccount('Logged');
      const email = uniqueEmail('logged');
      ok(await bind(() => logged).call('post', `${a.base}/users`, a.auth, { name: 'Lou Logged', email }));
      tokens.push(/#\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(smtp.mails.filter((m) => m.to.includes(email)).at(-1)!.text)![1]!);
      const accepted = await chatty
        .http()
        .post('/v1_1/invitations/accept')
        .set(CSRF_HEADER, CSRF_HEADER_VALUE)
        .send({ token: tokens[0], password: passwords[0] });
      const cookie = sessionCookie(accepted)!;
      const me = asPerson(logged, cookie);
      ok(await me('put', '/v1_1/me/password', { current_password: passwords[0], new_password: passwords[1] }));
      expectErrorMessage(await me('put', '/v1_1/me/password', { current_password: passwords[3], new_password: passwords[2] }), 400);
      expect(await signInStatus(email, passwords[3]!, logged)).toBe(401);
      tokens.push(await resetToken({ email }, logged));
      ok(await logged.http().post('/v1_1/password-reset/confirm').send({ token: tokens[1], password: passwords[2] }));
    } finally {
      await chatty?.close();
      spies.forEach((spy) => spy.mockRestore());
    }
    const log = written.join('');
    // The capture works: the requests are there.
    expect(log).toContain('PUT /v1_1/me/password 200');
    expect(log).toContain('POST /v1_1/password-reset/confirm 200');
    for (const secret of [...passwords, ...tokens]) expect(log).not.toContain(secret);
  });
});

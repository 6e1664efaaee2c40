import { DataSource } from 'typeorm';
import { CSRF_HEADER, CSRF_HEADER_VALUE, SecretHasher } from '@castellan/core';
import { SignInTokenEntity } from '../../libs/sign-in/src/invitations/sign-in-token.entity.js';
import { expectError, INVALID_CREDENTIALS, ISO_SECONDS, startServer, TestAccount, TestServer } from '../support/harness.js';
import { bind, expectErrorMessage, ok, UNKNOWN_ID } from '../support/http.js';
import type { Json } from '../support/http.js';
import { captureStderr } from '../support/logs.js';
import {
  asPerson,
  GOOD_PASSWORD,
  personWithPassword,
  sessionCookie,
  setPassword,
  signIn,
  uniqueEmail,
  ssoRequired,
} from '../support/people.js';
import { ReceivedMail, startSmtp, TestSmtp } from '../support/smtp.js';

// Invitations over real HTTP into a real database, with a real SMTP server: creating a user mails a link, the link
// is read back from the mail, inspected and accepted (a password, a session), and works once; admins re-send and
// revoke it under the grant invariant. Every refusal is checked to leave the link and the user as they were.

const PUBLIC_URL = 'https://castellan.example';
const INVALID_LINK = 'This invitation link is not valid (used, revoked or expired)';

let smtp: TestSmtp;
let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  smtp = await startSmtp();
  server = await startServer({ SMTP_URL: smtp.url, PUBLIC_URL });
  account = await server.newAccount('Invitations');
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});
const { call } = bind(() => server);

const db = (): DataSource => server.app.get(DataSource);
const mailsTo = (email: string): ReceivedMail[] => smtp.mails.filter((m) => m.to.includes(email));
const tokenIn = (mail: ReceivedMail | undefined): string => /\/console\/#\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(mail?.text ?? '')![1]!;
const invitationOf = (a: TestAccount, userId: string) => `${a.base}/users/${userId}/invitation`;

/** A new user of `a`, made with its root key, and the token of the invitation mailed to them. */
async function invited(
  a: TestAccount = account,
  fields: Record<string, unknown> = {},
): Promise<{ user: Json; email: string; token: string }> {
  const email = uniqueEmail('invited');
  const user = ok(await call('post', `${a.base}/users`, a.auth, { name: 'Ivy Invited', email, ...fields }));
  return { user, email, token: tokenIn(mailsTo(email).at(-1)) };
}

const inspect = (token: unknown) => server.http().post('/v1_1/invitations/inspect').send({ token });
const accept = (body: object) => server.http().post('/v1_1/invitations/accept').set(CSRF_HEADER, CSRF_HEADER_VALUE).send(body);
const userOf = async (a: TestAccount, id: string): Promise<Json> => ok(await call('get', `${a.base}/users/${id}`, a.auth));
const rowsOf = (userId: string) => db().getRepository(SignInTokenEntity).find({ where: { userId } });

/** A 400 for a link that cannot be used, with no cookie; the user is still pending. */
async function expectDeadLink(res: Awaited<ReturnType<typeof accept>>, a: TestAccount, userId: string): Promise<void> {
  expectErrorMessage(res, 400, INVALID_LINK);
  expect(sessionCookie(res)).toBeUndefined();
  expect((await userOf(a, userId)).pending).toBe(true);
}

/** Audit events appear just after the answer: they are written beside it. */
async function auditEvents(a: TestAccount, query: string, until: (events: Json[]) => boolean): Promise<Json[]> {
  for (let i = 0; ; i++) {
    const events = ok(await call('get', `${a.base}/audit_events?${query}`, a.auth)).events;
    if (until(events) || i === 50) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the invitation mail', () => {
  test("creating a user mails them a link with the account's name and the expiry; only the token's HMAC is stored", async () => {
    const before = Date.now();
    const { user, email, token } = await invited();
    const [mail] = mailsTo(email);
    expect(mailsTo(email)).toHaveLength(1);
    expect(mail!.subject).toBe('You are invited to Invitations on Castellan');
    expect(mail!.text).toContain(`${PUBLIC_URL}/console/#/invitation/${token}`);
    expect(mail!.text).toContain('"Invitations"');
    expect(mail!.text).toContain('Hello Ivy Invited,');
    const expiry = /until (\S+) \(UTC\)/.exec(mail!.text)![1]!;
    expect(expiry).toMatch(ISO_SECONDS);
    expect(Date.parse(expiry) - before).toBeGreaterThan(72 * 3_600_000 - 60_000);
    expect(Date.parse(expiry) - before).toBeLessThanOrEqual(72 * 3_600_000 + 60_000);
    const rows = await rowsOf(user.id);
    expect(rows).toEqual([expect.objectContaining({ accountId: account.account_id, purpose: 'invitation' })]);
    expect(rows[0]!.tokenHash).toBe(server.app.get(SecretHasher).hash(`sign-in-token:${token}`));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(user)).not.toContain(token);
  });

  test('a user created disabled is not invited; once enabled, an admin sends the invitation', async () => {
    const email = uniqueEmail('disabled');
    const user = ok(await call('post', `${account.base}/users`, account.auth, { name: 'Dee Disabled', email, enabled: false }));
    expect(mailsTo(email)).toEqual([]);
    expectErrorMessage(await call('post', invitationOf(account, user.id), account.auth), 409, expect.stringContaining('disabled'));
    expect(mailsTo(email)).toEqual([]);
    ok(await call('put', `${account.base}/users/${user.id}`, account.auth, { enabled: true }));
    ok(await call('post', invitationOf(account, user.id), account.auth));
    expect(ok(await accept({ token: tokenIn(mailsTo(email).at(-1)), password: GOOD_PASSWORD })).status).toBe('signed_in');
  });

  test('a mail server that refuses the invitation leaves the user created and pending; the log says so without the link', async () => {
    const email = uniqueEmail('unlucky');
    smtp.refuseNext();
    const log = captureStderr();
    let user: Json;
    try {
      user = ok(await call('post', `${account.base}/users`, account.auth, { name: 'Una Unlucky', email }));
    } finally {
      log.stop();
    }
    const lost = tokenIn(smtp.refused.at(-1));
    expect(log.text()).toMatch(new RegExp(`Could not invite user ${user.id} of account ${account.account_id}: .*554 Message refused`));
    expect(log.text()).not.toContain(lost);
    expect((await userOf(account, user.id)).pending).toBe(true);
    ok(await call('post', invitationOf(account, user.id), account.auth));
    expect(ok(await accept({ token: tokenIn(mailsTo(email).at(-1)), password: GOOD_PASSWORD })).status).toBe('signed_in');
  });
});

describe('inspecting and accepting', () => {
  test('inspect tells who and where, as often as asked, and changes nothing', async () => {
    const { user, email, token } = await invited();
    const expected = {
      email,
      name: 'Ivy Invited',
      account_name: 'Invitations',
      two_factor_required: false,
      expires_at: expect.stringMatching(ISO_SECONDS),
    };
    expect(ok(await inspect(token))).toEqual(expected);
    expect(ok(await inspect(token))).toEqual(expected);
    expect((await userOf(account, user.id)).pending).toBe(true);
    expect(await rowsOf(user.id)).toHaveLength(1);
  });

  test('a weak password is refused (400, saying why) and the link still works', async () => {
    const { user, email, token } = await invited();
    const refusals: [unknown, string][] = [
      ['short pass', 'at least 12 characters'],
      ['password1234', 'most common'],
      [`my ${email.split('@')[0]} pass`, 'email address or name'],
      ['', 'password is required'],
      [undefined, 'password is required'],
      [1234567890123, 'password must be a string'],
    ];
    for (const [password, words] of refusals) {
      const res = await accept({ token, password });
      expectErrorMessage(res, 400, expect.stringContaining(words));
      expect(res.body.error.path).toBe('password');
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect((await userOf(account, user.id)).pending).toBe(true);
    ok(await inspect(token));
  });

  test('a good password: the session cookie is set, it works, the user is no longer pending, and the password signs in', async () => {
    const { user, email, token } = await invited(account, { role: 'admin' });
    const res = await accept({ token, password: GOOD_PASSWORD });
    expect(ok(res)).toEqual({ status: 'signed_in', account_id: account.account_id, user_id: user.id });
    const line = [res.headers['set-cookie']].flat().find((c: string) => c.startsWith('castellan_session='))!;
    // Over http: no Secure, which the browser would refuse to send back.
    expect(line).toMatch(/^castellan_session=[A-Za-z0-9_-]{43}; Path=\/v1_1; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const cookie = sessionCookie(res)!;
    expect(ok(await server.http().get('/v1_1/session').set('cookie', cookie))).toMatchObject({
      stage: 'full',
      user_id: user.id,
      email,
      method: 'password',
    });
    ok(await asPerson(server, cookie)('get', `${account.base}/users`));
    const now = await userOf(account, user.id);
    expect(now.pending).toBe(false);
    expect(now.last_login).toMatch(ISO_SECONDS);
    await signIn(server, { email, password: GOOD_PASSWORD });
    expect(await rowsOf(user.id)).toEqual([]);
    const events = await auditEvents(account, 'action=invitation.accept', (e) => e.some((x: Json) => x.actor.user_id === user.id));
    expect(events.find((e: Json) => e.actor.user_id === user.id)).toMatchObject({
      actor: { kind: 'session', user_id: user.id, api_key: null },
      target: { type: 'user', id: user.id },
      outcome: 'success',
      status: 200,
    });
  });

  test('the link works once: used, it is refused for inspecting and accepting, with the one message', async () => {
    const { user, token } = await invited();
    ok(await accept({ token, password: GOOD_PASSWORD }));
    expectErrorMessage(await inspect(token), 400, INVALID_LINK);
    const again = await accept({ token, password: `${GOOD_PASSWORD} again` });
    expectErrorMessage(again, 400, INVALID_LINK);
    expect(sessionCookie(again)).toBeUndefined();
    // The first password stands.
    await signIn(server, { email: (await userOf(account, user.id)).email, password: GOOD_PASSWORD });
  });

  test('two accepts of one link at once: exactly one sets a password and gets a session', async () => {
    const { token } = await invited();
    const answers = await Promise.all([
      accept({ token, password: GOOD_PASSWORD }),
      accept({ token, password: 'another good pass phrase 9' }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(answers.filter((r) => sessionCookie(r) !== undefined)).toHaveLength(1);
  });

  test('an expired link is refused with the one message, and changes nothing', async () => {
    const { user, token } = await invited();
    await db()
      .getRepository(SignInTokenEntity)
      .update({ userId: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    expectErrorMessage(await inspect(token), 400, INVALID_LINK);
    await expectDeadLink(await accept({ token, password: GOOD_PASSWORD }), account, user.id);
  });

  test("a disabled user's link is refused (400, the one message: a link says nothing of why); enabled again, it works", async () => {
    const { user, token } = await invited();
    ok(await call('put', `${account.base}/users/${user.id}`, account.auth, { enabled: false }));
    expectErrorMessage(await inspect(token), 400, INVALID_LINK);
    const res = await accept({ token, password: GOOD_PASSWORD });
    expectErrorMessage(res, 400, INVALID_LINK);
    expect(sessionCookie(res)).toBeUndefined();
    ok(await call('put', `${account.base}/users/${user.id}`, account.auth, { enabled: true }));
    expect(ok(await accept({ token, password: GOOD_PASSWORD })).status).toBe('signed_in');
  });

  test('an invitation is no way back in once the user set a password and signed in another way', async () => {
    const { user, email, token } = await invited();
    // As a reset link would: a password, and a sign-in with it.
    await setPassword(server, account.account_id, user.id);
    await signIn(server, { email, password: GOOD_PASSWORD });
    expectErrorMessage(await accept({ token, password: 'a takeover pass phrase 1' }), 400, INVALID_LINK);
    await signIn(server, { email, password: GOOD_PASSWORD });
  });

  test('made-up, malformed and missing tokens: 400, and no cookie', async () => {
    for (const token of ['A'.repeat(43), 'short', '../../etc/passwd', 'x'.repeat(64)]) {
      expectErrorMessage(await inspect(token), 400, INVALID_LINK);
      expectErrorMessage(await accept({ token, password: GOOD_PASSWORD }), 400, INVALID_LINK);
    }
    for (const body of [
      {},
      { token: 7, password: GOOD_PASSWORD },
      { token: 'x'.repeat(65), password: GOOD_PASSWORD },
      { password: GOOD_PASSWORD },
    ]) {
      const res = await accept(body);
      expectErrorMessage(res, 400);
      expect(sessionCookie(res)).toBeUndefined();
    }
    expectErrorMessage(await server.http().post('/v1_1/invitations/inspect').send({}), 400, 'token is required');
  });

  test('accepting without the CSRF header is refused (403): a cross-site form cannot sign a browser in', async () => {
    const { user, token } = await invited();
    const res = await server.http().post('/v1_1/invitations/accept').type('form').send({ token, password: GOOD_PASSWORD });
    expectErrorMessage(res, 403, expect.stringContaining('x-requested-with'));
    expect(sessionCookie(res)).toBeUndefined();
    expect((await userOf(account, user.id)).pending).toBe(true);
    ok(await inspect(token));
  });
});

describe("the account's policy", () => {
  test('two-factor required: inspect says so, and accepting opens a session that must enroll first', async () => {
    const a = await server.newAccount('Invitations 2FA');
    ok(await call('put', `${a.base}/security`, a.auth, { two_factor: 'required' }));
    const { user, token } = await invited(a);
    expect(ok(await inspect(token)).two_factor_required).toBe(true);
    const res = await accept({ token, password: GOOD_PASSWORD });
    expect(ok(res)).toEqual({ status: 'enrollment_required', account_id: a.account_id, user_id: user.id });
    const cookie = sessionCookie(res)!;
    expectError(await asPerson(server, cookie)('get', '/v1_1/me/sessions'), 401, INVALID_CREDENTIALS);
    expect(ok(await server.http().get('/v1_1/session').set('cookie', cookie)).stage).toBe('enrollment');
    // Accepted all the same: the link is used, the user no longer pending.
    expect((await userOf(a, user.id)).pending).toBe(false);
    expectErrorMessage(await inspect(token), 400, INVALID_LINK);
  });

  test('SSO required: only a master admin may accept (the break-glass path); anyone else is refused and keeps the link', async () => {
    const a = await server.newAccount('Invitations SSO');
    const member = await invited(a, { role: 'admin' });
    const master = await invited(a, { role: 'master_admin' });
    ok(await call('put', `${a.base}/security`, a.auth, ssoRequired()));
    const refused = await accept({ token: member.token, password: GOOD_PASSWORD });
    expectErrorMessage(refused, 403, expect.stringContaining('single sign-on'));
    expect(sessionCookie(refused)).toBeUndefined();
    expect((await userOf(a, member.user.id)).pending).toBe(true);
    ok(await inspect(member.token));
    const res = await accept({ token: master.token, password: GOOD_PASSWORD });
    expect(ok(res).status).toBe('signed_in');
    expect(ok(await server.http().get('/v1_1/session').set('cookie', sessionCookie(res)!)).method).toBe('break_glass');
  });
});

describe('re-sending and revoking', () => {
  test('re-sending mails a new link and kills the old one; it is audited as a change of the user', async () => {
    const { user, email, token } = await invited();
    const sent = ok(await call('post', invitationOf(account, user.id), account.auth));
    expect(sent).toEqual({ message: 'ok', expires_at: expect.stringMatching(ISO_SECONDS) });
    expect(mailsTo(email)).toHaveLength(2);
    const fresh = tokenIn(mailsTo(email).at(-1));
    expect(fresh).not.toBe(token);
    expect(await rowsOf(user.id)).toHaveLength(1);
    await expectDeadLink(await accept({ token, password: GOOD_PASSWORD }), account, user.id);
    expect(ok(await accept({ token: fresh, password: GOOD_PASSWORD })).status).toBe('signed_in');
    const events = await auditEvents(account, 'action=provisioning:users.update', (e) => e.some((x: Json) => x.target?.id === user.id));
    expect(events.find((e: Json) => e.target?.id === user.id)).toMatchObject({ outcome: 'success', status: 200 });
  });

  test('revoking kills the link; the user stays pending, and a re-send invites them again', async () => {
    const { user, email, token } = await invited();
    expect(ok(await call('delete', invitationOf(account, user.id), account.auth))).toEqual({ message: 'ok' });
    await expectDeadLink(await accept({ token, password: GOOD_PASSWORD }), account, user.id);
    expect(ok(await call('delete', invitationOf(account, user.id), account.auth))).toEqual({ message: 'ok' });
    ok(await call('post', invitationOf(account, user.id), account.auth));
    expect(ok(await accept({ token: tokenIn(mailsTo(email).at(-1)), password: GOOD_PASSWORD })).status).toBe('signed_in');
  });

  test('at most 5 re-sends to a user in 10 minutes: the 6th is a 429 with Retry-After, mails nothing, and the link stays', async () => {
    const { user, email } = await invited();
    for (let i = 0; i < 5; i++) ok(await call('post', invitationOf(account, user.id), account.auth));
    const last = tokenIn(mailsTo(email).at(-1));
    const refused = await call('post', invitationOf(account, user.id), account.auth);
    expectErrorMessage(refused, 429, expect.stringContaining('Too many invitations'));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(mailsTo(email)).toHaveLength(6);
    ok(await inspect(last));
  });

  test("changing a pending user's email kills the link mailed to the old address and invites the new one", async () => {
    const { user, email, token } = await invited();
    const moved = uniqueEmail('moved');
    ok(await call('put', `${account.base}/users/${user.id}`, account.auth, { email: moved }));
    await expectDeadLink(await accept({ token, password: GOOD_PASSWORD }), account, user.id);
    expect(mailsTo(email)).toHaveLength(1);
    const fresh = tokenIn(mailsTo(moved).at(-1));
    expect(ok(await accept({ token: fresh, password: GOOD_PASSWORD })).status).toBe('signed_in');
  });

  test("changing a user's email kills a reset link mailed to the old address", async () => {
    const person = await personWithPassword(server, account);
    ok(await server.http().post('/v1_1/password-reset').send({ email: person.email }));
    const reset = await (async () => {
      for (let i = 0; i < 100; i++) {
        const mail = mailsTo(person.email).find((m) => m.text.includes('/console/#/reset-password/'));
        if (mail) return /\/console\/#\/reset-password\/([A-Za-z0-9_-]{43})$/m.exec(mail.text)![1]!;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('no reset mail');
    })();
    ok(await call('put', `${account.base}/users/${person.user.id}`, account.auth, { email: uniqueEmail('elsewhere') }));
    const res = await server
      .http()
      .post('/v1_1/password-reset/confirm')
      .send({ token: reset, password: `${GOOD_PASSWORD} new` });
    expectErrorMessage(res, 400, expect.stringContaining('not valid'));
  });

  test('re-sending to a user who is not pending is a 409 and mails nothing', async () => {
    const { user, email, token } = await invited();
    ok(await accept({ token, password: GOOD_PASSWORD }));
    expectErrorMessage(await call('post', invitationOf(account, user.id), account.auth), 409, expect.stringContaining('accepted'));
    expect(mailsTo(email)).toHaveLength(1);
  });

  test('a mail server that refuses the re-sent invitation: 503, which says nothing of the link', async () => {
    const { user } = await invited();
    smtp.refuseNext();
    const log = captureStderr();
    let res;
    try {
      res = await call('post', invitationOf(account, user.id), account.auth);
    } finally {
      log.stop();
    }
    expectErrorMessage(res, 503, 'The invitation could not be sent');
    expect(log.text()).not.toContain(tokenIn(smtp.refused.at(-1)));
  });

  test("no credentials, another account's key, an unknown user, another account's user", async () => {
    const other = await server.newAccount('Other');
    const { user, token } = await invited();
    const foreign = await invited(other);
    for (const method of ['post', 'delete'] as const) {
      expectError(await call(method, invitationOf(account, user.id)), 401, INVALID_CREDENTIALS);
      expectError(await call(method, invitationOf(account, user.id), other.auth), 401, INVALID_CREDENTIALS);
      expectErrorMessage(await call(method, invitationOf(account, UNKNOWN_ID), account.auth), 404, `User ${UNKNOWN_ID} not found`);
      expectErrorMessage(
        await call(method, invitationOf(account, foreign.user.id), account.auth),
        404,
        `User ${foreign.user.id} not found`,
      );
    }
    // Nothing was re-sent or revoked.
    ok(await inspect(token));
    ok(await inspect(foreign.token));
  });

  test('a lower role: billing may not; an admin may not touch a master admin (the grant invariant)', async () => {
    const target = await invited(account, { role: 'master_admin' });
    const billing = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'billing' })));
    const admin = asPerson(server, await signIn(server, await personWithPassword(server, account, { role: 'admin' })));
    for (const method of ['post', 'delete'] as const) {
      expectErrorMessage(await billing(method, invitationOf(account, target.user.id)), 403);
      expectErrorMessage(await admin(method, invitationOf(account, target.user.id)), 403);
    }
    expect(mailsTo(target.email)).toHaveLength(1);
    ok(await inspect(target.token));
    // An admin may re-send to a user who holds no more than they do.
    const peer = await invited(account, { role: 'billing' });
    ok(await admin('post', invitationOf(account, peer.user.id)));
    expect(mailsTo(peer.email)).toHaveLength(2);
  });
});

describe('links that are not valid are counted against the address', () => {
  let strict: TestServer;
  let a: TestAccount;
  beforeAll(async () => {
    strict = await startServer({ SMTP_URL: smtp.url, AUTH_FAILURE_BURST: '3', TRUST_PROXY: '127.0.0.1' });
    a = await strict.newAccount('Strict invitations');
  });
  afterAll(() => strict.close());

  test('past the burst, even a valid link waits (429, Retry-After); another address is not affected', async () => {
    const email = uniqueEmail('strict');
    ok(await bind(() => strict).call('post', `${a.base}/users`, a.auth, { name: 'Sam Strict', email }));
    const token = tokenIn(mailsTo(email).at(-1));
    const from = (ip: string, body: object) => strict.http().post('/v1_1/invitations/inspect').set('x-forwarded-for', ip).send(body);
    for (let i = 0; i < 3; i++) expectErrorMessage(await from('198.18.7.1', { token: 'B'.repeat(43) }), 400, INVALID_LINK);
    const blocked = await from('198.18.7.1', { token: 'B'.repeat(43) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('198.18.7.1', { token })).status).toBe(429);
    expect(ok(await from('198.18.7.2', { token })).email).toBe(email);
  });
});

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { inflateRawSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { SESSION_COOKIE } from '@castellan/core';
import { SamlAssertionEntity } from '../../libs/sign-in/src/saml/saml-assertion.entity.js';
import { UserSessionEntity } from '../../libs/sign-in/src/sessions/user-session.entity.js';
import { expectError, INVALID_CREDENTIALS, startServer, TestAccount, TestServer } from '../support/harness.js';
import { bind, expectErrorMessage, ok } from '../support/http.js';
import { registeredRoutes } from '../support/routes.js';
import type { Json } from '../support/http.js';
import { asPerson, personWithPassword, sessionCookie, signIn, uniqueEmail } from '../support/people.js';
import {
  PERSISTENT_NAME_ID_FORMAT,
  responseXml,
  startSamlIdp,
  tamper,
  type LoginResponseOptions,
  type TestSamlIdp,
  type TrustedServiceProvider,
} from '../support/saml-idp.js';
import { freePort } from '../support/services.js';
import { buildIfNeeded } from '../support/cli.js';

// SAML single sign-on over real HTTP into a real database, with a real identity provider (samlify, in this process):
// the SP metadata and login redirect, the IdP's own endpoint answering the AuthnRequest, sign-in at the ACS, and every
// response an attacker or a misconfigured IdP would post: unsigned, tampered, forged, for another SP, address or
// account, expired, replayed, wrapped, naming nobody, malformed or huge. Then SSO required and the throttle.

const PUBLIC_URL = 'https://castellan.example';

let server: TestServer;
let idp: TestSamlIdp;
let account: TestAccount;
let sp: TrustedServiceProvider;
beforeAll(async () => {
  idp = await startSamlIdp();
  server = await startServer({ PUBLIC_URL });
  account = await server.newAccount('SAML');
  sp = await enableSaml(server, account, idp);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await idp?.close();
});
const { call } = bind(() => server);
const db = (): DataSource => server.app.get(DataSource);

const ssoPath = (a: TestAccount, route: 'metadata' | 'login' | 'acs') => `/v1_1/sso/${a.account_id}/saml/${route}`;

/** Turns SAML on for the account with the IdP's settings, and has the IdP trust the SP metadata the account serves. */
async function enableSaml(s: TestServer, a: TestAccount, provider: TestSamlIdp, extra: object = {}): Promise<TrustedServiceProvider> {
  ok(await bind(() => s).call('put', `${a.base}/security`, a.auth, { saml: provider.settings(), ...extra }));
  const metadata = await s.http().get(ssoPath(a, 'metadata'));
  expect(metadata.status).toBe(200);
  return provider.trust(metadata.text);
}

/** A response of the IdP for `sp` signing in `email`; options change what it says. */
const responseFor = (target: TrustedServiceProvider, email: string, options: Partial<LoginResponseOptions> = {}) =>
  idp.loginResponse({ spEntityId: target.entityId, acsUrl: target.acsUrl, nameId: email, ...options });

/** Posts a SAMLResponse (and RelayState) to the account's ACS as the IdP's form does, from `ip` if given. */
function postAcs(a: TestAccount, SAMLResponse: string, RelayState?: string, s: TestServer = server, ip?: string) {
  const req = s.http().post(ssoPath(a, 'acs')).type('form');
  if (ip) req.set('x-forwarded-for', ip);
  return req.send(RelayState === undefined ? { SAMLResponse } : { SAMLResponse, RelayState });
}

/** A 303 to `location` with a session cookie: the session, as GET /v1_1/session shows it. */
async function expectSignedIn(
  res: Awaited<ReturnType<typeof postAcs>>,
  location = '/console/',
): Promise<{ cookie: string; session: Json }> {
  expect({ status: res.status, location: res.headers['location'], error: res.body?.error }).toEqual({
    status: 303,
    location,
    error: undefined,
  });
  const cookie = sessionCookie(res);
  expect(cookie).toBeDefined();
  return { cookie: cookie!, session: ok(await server.http().get('/v1_1/session').set('cookie', cookie!)) };
}

/** A refusal: its status and message, no cookie, and no Basic challenge (the browser that posted the form must not prompt). */
function expectRefused(res: Awaited<ReturnType<typeof postAcs>>, status: number, message: string | RegExp): void {
  expectErrorMessage(res, status, typeof message === 'string' ? message : expect.stringMatching(message));
  expect(sessionCookie(res)).toBeUndefined();
  expect(res.headers['www-authenticate'] ?? '').not.toMatch(/basic/i);
}

/** Audit events of the account with this action, once `until` finds what it looks for (events are written in the background). */
async function eventsOf(a: TestAccount, until: (events: Json[]) => boolean, s: TestServer = server): Promise<Json[]> {
  let events: Json[] = [];
  for (let i = 0; i < 50 && !until(events); i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    events = ok(await bind(() => s).call('get', `${a.base}/audit_events?action=sign_in`, a.auth)).events;
  }
  return events;
}
const auditedFailure = async (a: TestAccount, reason: string, status: number, s: TestServer = server): Promise<Json> => {
  const match = (e: Json) => e.outcome === 'failure' && e.reason === reason && e.status === status;
  const event = (await eventsOf(a, (events) => events.some(match), s)).find(match);
  expect(event).toBeDefined();
  return event;
};

const createHashHex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const sessionsOf = (accountId: string, userId: string) => db().getRepository(UserSessionEntity).count({ where: { accountId, userId } });

/** Fetches a page of the test IdP over https, trusting its certificate. */
function fetchIdpPage(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca: idp.tlsCertificatePem }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** `depth` elements, each inside the one before. */
const nested = (depth: number): string => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('the service provider', () => {
  test("metadata: the account's entity id and ACS, the emailAddress NameID format, as SAML metadata XML", async () => {
    const res = await server.http().get(ssoPath(account, 'metadata'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
    const base = `${PUBLIC_URL}/v1_1/sso/${account.account_id}/saml`;
    expect(res.text).toContain(`entityID="${base}/metadata"`);
    expect(res.text).toMatch(
      new RegExp(`<AssertionConsumerService [^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${base}/acs"`),
    );
    expect(res.text).toContain('<NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>');
    // The IdP read it (beforeAll): the addresses it will post to are the account's.
    expect(sp).toEqual({ entityId: `${base}/metadata`, acsUrl: `${base}/acs` });
  });

  test('login: a redirect to the IdP with an AuthnRequest of this account (HTTP-Redirect binding)', async () => {
    const res = await server.http().get(ssoPath(account, 'login'));
    expect(res.status).toBe(302);
    const location = new URL(res.headers['location']);
    expect(`${location.origin}${location.pathname}`).toBe(idp.ssoUrl);
    const request = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    expect(request).toMatch(/^(<\?xml [^>]*>)?<samlp:AuthnRequest /);
    expect(request).toContain(`AssertionConsumerServiceURL="${sp.acsUrl}"`);
    expect(request).toContain(`Destination="${idp.ssoUrl}"`);
    expect(request).toContain(`<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${sp.entityId}</saml:Issuer>`);
  });

  test('the whole round trip: login, the IdP answers the AuthnRequest with its form, the form posts to the ACS', async () => {
    const person = await personWithPassword(server, account, { role: 'admin' });
    idp.signInAs(person.email);
    const login = await server.http().get(ssoPath(account, 'login'));
    const page = await fetchIdpPage(login.headers['location']);
    expect(page.status).toBe(200);
    expect(idp.requests.at(-1)).toMatchObject({
      issuer: sp.entityId,
      acsUrl: sp.acsUrl,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
    const action = unescapeHtml(/<form method="post" action="([^"]+)"/.exec(page.body)![1]!);
    const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(page.body)![1]!;
    expect(action).toBe(sp.acsUrl);
    // The response answers the request, though the ACS does not require it (IdP-initiated sign-ins answer none).
    expect(responseXml(samlResponse)).toContain(`InResponseTo="${idp.requests.at(-1)!.id}"`);
    const { session } = await expectSignedIn(await postAcs(account, samlResponse));
    expect(session).toMatchObject({ method: 'saml', stage: 'full', user_id: person.user.id, account_id: account.account_id });
  });

  test('without SAML enabled, and for an account that does not exist, every route answers the same 404', async () => {
    const plain = await server.newAccount('No SAML');
    const unknown = { ...plain, account_id: '00000000-0000-4000-8000-000000000000' };
    const valid = await responseFor(sp, uniqueEmail());
    for (const a of [plain, unknown]) {
      expectErrorMessage(await server.http().get(ssoPath(a, 'metadata')), 404, 'SAML single sign-on is not enabled for this account');
      expectErrorMessage(await server.http().get(ssoPath(a, 'login')), 404, 'SAML single sign-on is not enabled for this account');
      expectRefused(await postAcs(a, valid), 404, 'SAML single sign-on is not enabled for this account');
    }
  });

  test('turning SAML off closes the ACS (404) at once; a response the IdP made before is of no use', async () => {
    const a = await server.newAccount('SAML off');
    const target = await enableSaml(server, a, idp);
    const person = await personWithPassword(server, a);
    const response = await responseFor(target, person.email);
    ok(await call('put', `${a.base}/security`, a.auth, { saml: { enabled: false } }));
    expectRefused(await postAcs(a, response), 404, 'SAML single sign-on is not enabled for this account');
    expectErrorMessage(await server.http().get(ssoPath(a, 'metadata')), 404);
    expect(await sessionsOf(a.account_id, person.user.id)).toBe(0);
  });
});

test('the routes are public without the CSRF header (no IdP form can send it), and /docs describes them', async () => {
  const saml = registeredRoutes(server.app).filter((r) => r.path.startsWith('/v1_1/sso/'));
  expect(saml.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.access, r.redirects])).toEqual([
    ['GET /v1_1/sso/:account_id/saml/metadata', { public: true }, false],
    ['GET /v1_1/sso/:account_id/saml/login', { public: true }, true],
    ['POST /v1_1/sso/:account_id/saml/acs', { public: true }, true],
  ]);
  const paths = (await server.http().get('/docs-json')).body.paths;
  const acs = paths['/v1_1/sso/{account_id}/saml/acs'].post;
  expect(Object.keys(acs.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
  expect(Object.keys(acs.responses).sort()).toEqual(['303', '400', '401', '403', '404', '413', '415', '429']);
  for (const status of ['400', '401', '403', '404', '413', '429']) expect(acs.description).toContain(`- **${status}** `);
  expect(acs.description).toContain('**Public**');
  expect(Object.keys(paths['/v1_1/sso/{account_id}/saml/login'].get.responses).sort()).toEqual(['302', '404']);
  expect(Object.keys(paths['/v1_1/sso/{account_id}/saml/metadata'].get.responses['200'].content)).toEqual(['application/samlmetadata+xml']);
});

describe('signing in', () => {
  test('a valid response: 303 to the console, the session cookie, a full SAML session that acts as its user, audited', async () => {
    const person = await personWithPassword(server, account, { role: 'admin' });
    expect(person.user.pending).toBe(true);
    const res = await postAcs(account, await responseFor(sp, person.email));
    const { cookie, session } = await expectSignedIn(res);
    const line = [res.headers['set-cookie']].flat().find((c: string) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(line).toMatch(/^castellan_session=[A-Za-z0-9_-]{43}; Path=\/v1_1; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(session).toMatchObject({
      stage: 'full',
      method: 'saml',
      account_id: account.account_id,
      user_id: person.user.id,
      email: person.email,
      role: 'admin',
    });
    // The cookie works on a route the user's role permits, and only there.
    const me = asPerson(server, cookie);
    expect(ok(await me('get', '/v1_1/me')).email).toBe(person.email);
    expect(ok(await me('get', `${account.base}/users`)).users.length).toBeGreaterThan(0);
    const user = ok(await call('get', `${account.base}/users/${person.user.id}`, account.auth));
    expect(user).toMatchObject({ pending: false, last_login: expect.any(String) });
    const events = await eventsOf(account, (all) => all.some((e: Json) => e.actor.user_id === person.user.id));
    expect(events.find((e: Json) => e.actor.user_id === person.user.id)).toMatchObject({
      outcome: 'success',
      status: 303,
      reason: 'SAML',
      target: { type: 'user', id: person.user.id },
    });
  });

  test("the role still decides: a billing user's SAML session is refused what billing may not do", async () => {
    const person = await personWithPassword(server, account, { role: 'billing' });
    const { cookie } = await expectSignedIn(await postAcs(account, await responseFor(sp, person.email)));
    expect((await asPerson(server, cookie)('get', `${account.base}/users`)).status).toBe(403);
  });

  test.each([['response'], ['assertion'], ['both']] as const)('a response signed on the %s is accepted', async (signing) => {
    const person = await personWithPassword(server, account);
    await expectSignedIn(await postAcs(account, await responseFor(sp, person.email, { signing })));
  });

  test('the email: NameID in emailAddress format (compared case-insensitively), else the email attribute, else nobody', async () => {
    const person = await personWithPassword(server, account);
    await expectSignedIn(await postAcs(account, await responseFor(sp, person.email.toUpperCase())));
    const byAttribute = await responseFor(sp, 'opaque-7f3a', {
      nameIdFormat: PERSISTENT_NAME_ID_FORMAT,
      attributes: { email: person.email },
    });
    expect((await expectSignedIn(await postAcs(account, byAttribute))).session.user_id).toBe(person.user.id);
    // A NameID of another format is no email, even when it reads like one.
    const persistent = await responseFor(sp, person.email, { nameIdFormat: PERSISTENT_NAME_ID_FORMAT });
    expectRefused(await postAcs(account, persistent), 403, /names no email address/);
    await auditedFailure(account, 'NO_EMAIL', 403);
  });

  test('base64 wrapped in lines, as some IdPs send it, is read', async () => {
    const person = await personWithPassword(server, account);
    const wrapped = (await responseFor(sp, person.email)).replace(/.{76}/g, '$&\r\n');
    await expectSignedIn(await postAcs(account, wrapped));
  });

  test("SSO satisfies the account's two-factor policy: the session is full, without enrollment", async () => {
    const a = await server.newAccount('SAML and 2FA');
    const target = await enableSaml(server, a, idp, { two_factor: 'required' });
    const person = await personWithPassword(server, a, { role: 'admin' });
    const { cookie, session } = await expectSignedIn(await postAcs(a, await responseFor(target, person.email)));
    expect(session).toMatchObject({ stage: 'full', method: 'saml', two_factor_policy: 'required', two_factor_enabled: false });
    ok(await asPerson(server, cookie)('get', `${a.base}/users`));
  });

  test.each([
    ['a console path', '/console/#/people', '/console/#/people'],
    ['a console path with a query', '/console/?tab=keys', '/console/?tab=keys'],
    ['another site', 'https://evil.example/console/', '/console/'],
    ['a protocol-relative address', '//evil.example/console/', '/console/'],
    ['a path outside the console', '/v1_1/me', '/console/'],
    ['dot segments out of the console', '/console/../v1_1/me', '/console/'],
    ['encoded dot segments', '/console/%2e%2e/docs', '/console/'],
    ['a backslash', '/console\\@evil.example', '/console/'],
    ['a javascript: address', 'javascript:alert(1)', '/console/'],
  ])('RelayState: %s', async (_, relayState, location) => {
    const person = await personWithPassword(server, account);
    await expectSignedIn(await postAcs(account, await responseFor(sp, person.email), relayState), location);
  });
});

describe('refused responses', () => {
  let victim: Awaited<ReturnType<typeof personWithPassword>>;
  beforeAll(async () => {
    victim = await personWithPassword(server, account, { role: 'master_admin' });
  });
  afterEach(async () => {
    // Nothing refused ever opens a session of the person the attacks aim at.
    expect(await sessionsOf(account.account_id, victim.user.id)).toBe(0);
  });

  test("a NameID changed after signing (the attacker's own response, re-addressed to the victim)", async () => {
    const attacker = await personWithPassword(server, account);
    for (const signing of ['response', 'assertion', 'both'] as const) {
      const own = await responseFor(sp, attacker.email, { signing });
      expectRefused(
        await postAcs(
          account,
          tamper(own, (xml) => xml.replace(attacker.email, victim.email)),
        ),
        401,
        /not signed/,
      );
    }
    await auditedFailure(account, 'SIGNATURE', 401);
  });

  test('an unsigned response, and one signed by another key than the stored certificate', async () => {
    expectRefused(await postAcs(account, await responseFor(sp, victim.email, { signing: 'none' })), 401, /not signed/);
    expectRefused(await postAcs(account, await responseFor(sp, victim.email, { signedByStranger: true })), 401, /not signed/);
    // With its signature removed, a real response is an unsigned one.
    const stripped = tamper(await responseFor(sp, victim.email), (xml) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''));
    expectRefused(await postAcs(account, stripped), 401, /not signed/);
  });

  test('signature wrapping: the signed assertion moved aside and an unsigned one in its place', async () => {
    const attacker = await personWithPassword(server, account);
    const own = responseXml(await responseFor(sp, attacker.email, { signing: 'assertion' }));
    const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(own)![0];
    const forged = signed
      .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
      .replace(attacker.email, victim.email)
      .replace(/ID="_/, 'ID="_x');
    const wrapped = own.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${forged}`);
    expectRefused(await postAcs(account, Buffer.from(wrapped).toString('base64')), 401, /not signed/);
    const twice = own.replace(signed, `${signed}${forged}`);
    expectRefused(await postAcs(account, Buffer.from(twice).toString('base64')), 401, /not signed/);
  });

  test('a comment in the NameID (canonicalization drops it from the signed bytes) names the whole address, not its start', async () => {
    // The IdP signs in someone whose address starts with the victim's; the comment would cut it there for a naive reader.
    const lookalike = `${victim.email}.evil.example`;
    const response = tamper(await responseFor(sp, lookalike), (xml) => xml.replace(lookalike, `${victim.email}<!---->.evil.example`));
    expectRefused(await postAcs(account, response), 403, /not an enabled user of this account/);
  });

  test('for another service provider (audience), another address (destination, recipient), from another issuer', async () => {
    const cases: Array<[Partial<LoginResponseOptions>, string, RegExp]> = [
      [{ audience: 'https://sp.elsewhere.test/metadata' }, 'AUDIENCE', /another service provider/],
      [{ destination: 'https://sp.elsewhere.test/acs' }, 'DESTINATION', /its destination/],
      [{ destination: null }, 'DESTINATION', /its destination/],
      [{ recipient: 'https://sp.elsewhere.test/acs' }, 'RECIPIENT', /its recipient/],
      [{ issuer: 'https://idp.elsewhere.test/metadata' }, 'ISSUER', /not issued by this account's identity provider/],
    ];
    for (const [options, reason, message] of cases) {
      const res = await postAcs(account, await responseFor(sp, victim.email, options));
      expectRefused(res, 401, message);
      // The answer names what failed, never what the response said.
      expect(res.body.error.message).not.toContain('elsewhere');
      await auditedFailure(account, reason, 401);
    }
  });

  test('out of its time window: expired, not valid yet; a minute of clock skew is allowed', async () => {
    const at = (ms: number) => new Date(Date.now() + ms);
    expectRefused(
      await postAcs(account, await responseFor(sp, victim.email, { notOnOrAfter: at(-90_000) })),
      401,
      'The SAML assertion has expired',
    );
    await auditedFailure(account, 'EXPIRED', 401);
    expectRefused(
      await postAcs(account, await responseFor(sp, victim.email, { notBefore: at(120_000) })),
      401,
      'The SAML assertion is not valid yet',
    );
    await auditedFailure(account, 'NOT_YET_VALID', 401);
    const person = await personWithPassword(server, account);
    await expectSignedIn(await postAcs(account, await responseFor(sp, person.email, { notOnOrAfter: at(-30_000) })));
    await expectSignedIn(await postAcs(account, await responseFor(sp, person.email, { notBefore: at(30_000) })));
  });

  test('an IdP that answers with an error status signs nobody in', async () => {
    const failed = await responseFor(sp, victim.email, { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' });
    expectRefused(await postAcs(account, failed), 401, 'The identity provider did not sign the person in');
    await auditedFailure(account, 'IDP_ERROR', 401);
  });

  test('a replay: the second post of an accepted response is refused, and the table keeps only a hash of its ID', async () => {
    const person = await personWithPassword(server, account);
    const assertionId = `_replay-${Date.now()}`;
    const response = await responseFor(sp, person.email, { assertionId });
    await expectSignedIn(await postAcs(account, response));
    expectRefused(await postAcs(account, response), 401, 'This SAML assertion was used already');
    await auditedFailure(account, 'REPLAY', 401);
    expect(await sessionsOf(account.account_id, person.user.id)).toBe(1);
    const rows = await db()
      .getRepository(SamlAssertionEntity)
      .find({ where: { accountId: account.account_id } });
    expect(rows.map((r) => r.idHash)).toContain(createHashHex(assertionId));
    expect(JSON.stringify(rows)).not.toContain(assertionId);
  });

  test('a replay at once: of ten concurrent posts of one response, exactly one signs in', async () => {
    const person = await personWithPassword(server, account);
    const response = await responseFor(sp, person.email);
    const answers = await Promise.all(Array.from({ length: 10 }, () => postAcs(account, response)));
    expect(answers.map((r) => r.status).sort()).toEqual([303, ...Array(9).fill(401)]);
    expect(await sessionsOf(account.account_id, person.user.id)).toBe(1);
  });

  test('an assertion refused for naming nobody is spent all the same', async () => {
    const email = uniqueEmail('later');
    const response = await responseFor(sp, email);
    expectRefused(await postAcs(account, response), 403, /not an enabled user/);
    const user = ok(await call('post', `${account.base}/users`, account.auth, { name: 'Later', email }));
    expectRefused(await postAcs(account, response), 401, 'This SAML assertion was used already');
    expect(await sessionsOf(account.account_id, user.id)).toBe(0);
  });

  test('an assertion ID seen past its expiry is no replay: expired rows of the account are deleted at the next sign-in', async () => {
    const repo = db().getRepository(SamlAssertionEntity);
    const person = await personWithPassword(server, account);
    const assertionId = `_reused-${Date.now()}`;
    await repo.insert({ accountId: account.account_id, idHash: createHashHex(assertionId), expiresAt: new Date(Date.now() - 1000) });
    await expectSignedIn(await postAcs(account, await responseFor(sp, person.email, { assertionId })));
    const rows = await repo.find({ where: { accountId: account.account_id } });
    expect(rows.every((r) => r.expiresAt.getTime() > Date.now())).toBe(true);
    expect(rows.find((r) => r.idHash === createHashHex(assertionId))!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
  });

  test('an unknown email: 403, and no user is created', async () => {
    const email = uniqueEmail('stranger');
    const res = await postAcs(account, await responseFor(sp, email));
    expectRefused(res, 403, 'The identity provider signed in someone who is not an enabled user of this account');
    expect(res.body.error.message).not.toContain(email);
    const users = ok(await call('get', `${account.base}/users?emails=${encodeURIComponent(email)}`, account.auth)).users;
    expect(users).toEqual([]);
    await auditedFailure(account, 'UNKNOWN_USER', 403);
  });

  test('a disabled user: 403, audited as that user', async () => {
    const person = await personWithPassword(server, account, { enabled: false });
    expectRefused(await postAcs(account, await responseFor(sp, person.email)), 403, /not an enabled user of this account/);
    const event = await auditedFailure(account, 'USER_DISABLED', 403);
    expect(event.actor.user_id).toBe(person.user.id);
  });

  test('the account in the URL decides: a user of another account with the email is nobody here', async () => {
    const other = await server.newAccount('Other SAML');
    const otherSp = await enableSaml(server, other, idp);
    const email = uniqueEmail('elsewhere');
    const elsewhere = await personWithPassword(server, other, { email });
    expectRefused(await postAcs(account, await responseFor(sp, email)), 403, /not an enabled user of this account/);
    // A response the same IdP made for the other account is refused here too: its audience and addresses are the other's.
    expectRefused(await postAcs(account, await responseFor(otherSp, email)), 401, /another service provider/);
    // And it works where it belongs.
    expect((await expectSignedIn(await postAcs(other, await responseFor(otherSp, email)))).session.user_id).toBe(elsewhere.user.id);
  });

  test("another account's identity provider: a response signed by a certificate this account does not trust", async () => {
    const otherIdp = await startSamlIdp('other-idp');
    try {
      const forged = await otherIdp.loginResponse({ spEntityId: sp.entityId, acsUrl: sp.acsUrl, nameId: victim.email });
      expectRefused(await postAcs(account, forged), 401, /not signed/);
    } finally {
      await otherIdp.close();
    }
  });

  test.each([
    ['no SAMLResponse', {}, 400, 'SAMLResponse is required'],
    ['a blank one', { SAMLResponse: '   ' }, 400, 'SAMLResponse is required'],
    ['not base64', { SAMLResponse: '<samlp:Response/>' }, 400, 'SAMLResponse must be base64'],
    ['base64 of no XML', { SAMLResponse: Buffer.from('hello').toString('base64') }, 400, 'SAMLResponse is not a SAML response'],
    [
      'base64 of broken XML',
      { SAMLResponse: Buffer.from('<samlp:Response').toString('base64') },
      400,
      'SAMLResponse is not a SAML response',
    ],
    ['another XML document', { SAMLResponse: Buffer.from('<Response/>').toString('base64') }, 400, 'SAMLResponse is not a SAML response'],
    [
      'an entity declaration',
      { SAMLResponse: Buffer.from('<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;&a;</r>').toString('base64') },
      400,
      'SAMLResponse is not a SAML response',
    ],
    [
      'a SAML response with no assertion',
      {
        SAMLResponse: Buffer.from(
          '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0"><samlp:Status>' +
            '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>',
        ).toString('base64'),
      },
      401,
      /not signed/,
    ],
    ['deeply nested XML', { SAMLResponse: Buffer.from(nested(25_000)).toString('base64') }, 400, 'SAMLResponse is not a SAML response'],
    [
      'a deeply nested SAML response',
      {
        SAMLResponse: Buffer.from(
          `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${nested(25_000)}</samlp:Response>`,
        ).toString('base64'),
      },
      401,
      /not signed|not valid/,
    ],
    ['a RelayState with a control character', { SAMLResponse: 'AAAA', RelayState: '/console/\u0000' }, 400, /RelayState/],
  ])('malformed: %s (4xx, never 500)', async (_, body, status, message) => {
    const res = await server.http().post(ssoPath(account, 'acs')).type('form').send(body);
    expectRefused(res, status, message as string | RegExp);
  });

  test('huge input: a body over 1 MiB is refused by the body limit (413), one over 256 KiB by the field (400)', async () => {
    expectRefused(await postAcs(account, 'A'.repeat(1100 * 1024)), 413, 'Request body is too large');
    expectRefused(await postAcs(account, 'A'.repeat(300 * 1024)), 400, /SAMLResponse must be at most/);
  });
});

describe('single sign-on required', () => {
  test('password sign-in: 403 for a non-master admin, break_glass for a master admin (audited); SAML works for both', async () => {
    const a = await server.newAccount('SSO required');
    const target = await enableSaml(server, a, idp, { sso_required: true });
    const admin = await personWithPassword(server, a, { role: 'admin' });
    const master = await personWithPassword(server, a, { role: 'master_admin' });
    const refused = await server
      .http()
      .post('/v1_1/sign-in')
      .set('x-requested-with', 'XMLHttpRequest')
      .send({ email: admin.email, password: admin.password });
    expectErrorMessage(refused, 403, expect.stringContaining('single sign-on'));
    expect(sessionCookie(refused)).toBeUndefined();
    const glass = await signIn(server, master);
    expect(ok(await server.http().get('/v1_1/session').set('cookie', glass)).method).toBe('break_glass');
    ok(await asPerson(server, glass)('get', `${a.base}/users`));
    const events = await eventsOf(a, (all) => all.some((e: Json) => e.reason === 'BREAK_GLASS'));
    expect(events.find((e: Json) => e.reason === 'BREAK_GLASS')).toMatchObject({ outcome: 'success', actor: { user_id: master.user.id } });
    expect(events.find((e: Json) => e.reason === 'SSO_REQUIRED')).toMatchObject({ outcome: 'failure', actor: { user_id: admin.user.id } });
    for (const person of [admin, master]) {
      const { cookie, session } = await expectSignedIn(await postAcs(a, await responseFor(target, person.email)));
      expect(session.method).toBe('saml');
      ok(await asPerson(server, cookie)('get', `${a.base}/users`));
    }
  });
});

describe('throttling', () => {
  let strict: TestServer;
  let a: TestAccount;
  let target: TrustedServiceProvider;
  beforeAll(async () => {
    strict = await startServer({ PUBLIC_URL, AUTH_FAILURE_BURST: '3', TRUST_PROXY: '127.0.0.1' });
    a = await strict.newAccount('Throttled SAML');
    target = await enableSaml(strict, a, idp);
  });
  afterAll(() => strict.close());

  test('refused responses count against the address: past the burst even a valid one waits (429), other addresses do not', async () => {
    const person = await personWithPassword(strict, a);
    for (let i = 0; i < 3; i++) {
      const forged = await responseFor(target, person.email, { signing: 'none' });
      expect((await postAcs(a, forged, undefined, strict, '198.18.7.1')).status).toBe(401);
    }
    const blocked = await postAcs(a, await responseFor(target, person.email, { signing: 'none' }), undefined, strict, '198.18.7.1');
    expectRefused(blocked, 429, /Too many failed authentication attempts/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await auditedFailure(a, 'SIGNATURE', 429, strict);
    const valid = await responseFor(target, person.email);
    expectRefused(await postAcs(a, valid, undefined, strict, '198.18.7.1'), 429, /Too many/);
    expect((await postAcs(a, valid, undefined, strict, '198.18.7.2')).status).toBe(303);
  });

  test('a 403 (nobody of the account) counts too', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await postAcs(a, await responseFor(target, uniqueEmail('nobody')), undefined, strict, '198.18.8.1')).status).toBe(403);
    }
    expect((await postAcs(a, await responseFor(target, uniqueEmail('nobody')), undefined, strict, '198.18.8.1')).status).toBe(429);
  });
});

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium and sets this, so that the suite cannot skip there.
const browserRequired = process.env.CONSOLE_BROWSER_REQUIRED === '1';
if (!existsSync(CHROMIUM) && !browserRequired) console.warn(`Skipping the SAML round trip in a browser: no Chromium at ${CHROMIUM}`);

(existsSync(CHROMIUM) || browserRequired ? describe : describe.skip)('in a browser', () => {
  // The sign-in lands on the console, which must be built: else /console/ is an API error page, whose CSP lets the
  // page fetch nothing.
  beforeAll(() => buildIfNeeded(), 180_000);

  test("login, the IdP's form on another site, the ACS: the SameSite=Strict cookie is kept and sent by the page's requests", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const live = await startServer({ PUBLIC_URL: url });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      await live.app.listen(port, '127.0.0.1');
      const a = await live.newAccount('SAML in a browser');
      await enableSaml(live, a, idp);
      const person = await personWithPassword(live, a, { role: 'admin' });
      idp.signInAs(person.email);
      // The IdP is https://localhost:…, another site than Castellan's 127.0.0.1; its certificate is self-signed.
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${url}/v1_1/sso/${a.account_id}/saml/login`);
      await page.waitForURL(`${url}/console/`);
      const cookie = (await context.cookies(`${url}/v1_1/session`)).find((c) => c.name === SESSION_COOKIE);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1_1' });
      // The console starts itself there (its own requests, and hash routes): ask once it is settled.
      await page.waitForLoadState('networkidle');
      // A string, run in the page: this suite is compiled without the DOM's types.
      const session = (await page.evaluate("fetch('/v1_1/session').then((r) => r.json())")) as Json;
      expect(session).toMatchObject({ method: 'saml', stage: 'full', user_id: person.user.id });
    } finally {
      idp.signInAs(null);
      await browser.close();
      await live.close();
    }
  }, 60_000);
});

test('API credentials are neither needed nor used: a wrong Basic key changes nothing', async () => {
  const person = await personWithPassword(server, account);
  const res = await server
    .http()
    .post(ssoPath(account, 'acs'))
    .auth('000000000000000', 'wrong')
    .type('form')
    .send({ SAMLResponse: await responseFor(sp, person.email) });
  expect(res.status).toBe(303);
  expectError(await server.http().get('/v1_1/session'), 401, INVALID_CREDENTIALS);
});

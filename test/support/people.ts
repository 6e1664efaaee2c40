import request from 'supertest';
import { makeValidCertificate } from '../../libs/security/src/testing/certificates.fixture.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE, SESSION_COOKIE } from '@castellan/core';
import { PasswordHasher } from '../../libs/sign-in/src/passwords/password-hasher.js';
import { UserCredentialRepository } from '../../libs/sign-in/src/passwords/user-credential.repository.js';
import type { TestAccount, TestServer } from './harness.js';
import { bind, ok } from './http.js';
import type { Json, Method } from './http.js';

/** A password the policy accepts. */
export const GOOD_PASSWORD = 'correct horse battery staple 7';

let counter = 0;
/** An email no other test of the run has. */
export const uniqueEmail = (local = 'person'): string => `${local}.${Date.now().toString(36)}.${counter++}@example.com`;

/** The session token of a Set-Cookie answer, as a Cookie header value; undefined when none was set. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const set = res.headers['set-cookie'] as string[] | string | undefined;
  const line = [set ?? []].flat().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  const value = line?.split(';')[0];
  return value && value !== `${SESSION_COOKIE}=` ? value : undefined;
}

/** A person's requests: the cookie, and the CSRF header on every request (pass `csrf: false` to leave it out). */
export function asPerson(server: Pick<TestServer, 'http'>, cookie: string, { csrf = true } = {}) {
  return (method: Method, path: string, body?: object): request.Test => {
    const req = server.http()[method](path).set('cookie', cookie);
    if (csrf) req.set(CSRF_HEADER, CSRF_HEADER_VALUE);
    return body === undefined ? req : req.send(body);
  };
}

export interface Person {
  user: Json;
  email: string;
  password: string;
}

/**
 * A user of the account made with its root key, with a password set as an accepted invitation would set it, so
 * that suites about what a session does need not go through the mail.
 */
export async function personWithPassword(server: TestServer, account: TestAccount, fields: Record<string, unknown> = {}): Promise<Person> {
  const { call } = bind(() => server);
  const email = (fields['email'] as string | undefined) ?? uniqueEmail();
  const user = ok(await call('post', `${account.base}/users`, account.auth, { name: 'Pat Person', email, ...fields }));
  await setPassword(server, account.account_id, user.id);
  return { user, email, password: GOOD_PASSWORD };
}

/** Gives an existing user GOOD_PASSWORD, as an accepted invitation would. */
export async function setPassword(server: Pick<TestServer, 'app'>, accountId: string, userId: string): Promise<void> {
  await server.app.get(UserCredentialRepository).patch(accountId, userId, {
    passwordHash: await server.app.get(PasswordHasher).hash(GOOD_PASSWORD),
    passwordChangedAt: new Date(),
  });
}

/** Signs the person in and answers the session cookie; fails the test unless the sign-in is complete. */
export async function signIn(
  server: Pick<TestServer, 'http'>,
  person: Pick<Person, 'email' | 'password'>,
  accountId?: string,
): Promise<string> {
  const res = await server
    .http()
    .post('/v1_1/sign-in')
    .set(CSRF_HEADER, CSRF_HEADER_VALUE)
    .send({ email: person.email, password: person.password, ...(accountId ? { account_id: accountId } : {}) });
  expect(ok(res).status).toBe('signed_in');
  return sessionCookie(res)!;
}

/**
 * Security settings that turn SAML on with some identity provider and require SSO: password sign-in is then for
 * master admins only (the break-glass path). No sign-in goes through this IdP: test/support/saml-idp.ts is one that does.
 */
export const ssoRequired = () => ({
  saml: {
    enabled: true,
    idp_entity_id: 'https://idp.example/',
    sso_url: 'https://idp.example/sso',
    x509_certificate: makeValidCertificate(),
  },
  sso_required: true,
});

import { DataSource } from 'typeorm';
import { newRecordId, uniquenessKey } from '@castellan/core';
import { UserEntity } from '../libs/people/src/users/user.entity.js';
import { CODE_VALIDITY_MS, CODES_PER_CALLER, CODES_PER_USER, MAX_ATTEMPTS } from '@castellan/security';
import { VerificationCodeEntity } from '../libs/security/src/verification/verification-code.entity.js';
import { makeExpiredCertificate, makeFutureCertificate, makeValidCertificate } from '../libs/security/src/testing/certificates.fixture.js';
import { expectUnchanged, ISO_SECONDS, startServer, TestAccount, TestServer } from './support/harness.js';
import { ReceivedMail, startSmtp, TestSmtp } from './support/smtp.js';
import {
  bind,
  Credentials,
  expectErrorMessage,
  expectUnauthorized,
  Json,
  Method,
  ok,
  Payload,
  twoAccounts,
  UNKNOWN_ID,
} from './support/http.js';
import { captureStderr } from './support/logs.js';

// Account security settings (/security) and support verification codes over real HTTP. Users are written
// straight into the users table: this suite tests codes, not the users API.

let server: TestServer;
// Mail goes through a real SMTP server, started here; the suite reads what it received.
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  server = await startServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Castellan <castellan@example.com>' });
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});
const { call } = bind(() => server);

const db = (): DataSource => server.app.get(DataSource);

/** The PEM body without its armour: what must never come back in a response. */
const pemBody = (pem: string): string => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

const VALID_PEM = makeValidCertificate('/CN=idp.example');
const EXPIRED_PEM = makeExpiredCertificate();
const FUTURE_PEM = makeFutureCertificate();

const DEFAULTS = {
  two_factor: 'optional',
  saml: { enabled: false, idp_entity_id: null, sso_url: null, certificate: null },
  sso_required: false,
  allowed_ips: null,
  key_max_lifetime_days: null,
  updated_at: null,
};
const SAML = {
  enabled: true,
  idp_entity_id: 'https://idp.example/metadata',
  sso_url: 'https://idp.example/sso',
  x509_certificate: VALID_PEM,
};

const security = (a: TestAccount) => `${a.base}/security`;
const readSecurity = async (a: TestAccount): Promise<Json> => ok(await call('get', security(a), a.auth));
const putSecurity = async (a: TestAccount, body: Payload): Promise<Json> => ok(await call('put', security(a), a.auth, body));

/** Owner and intruder accounts, and a product environment key of the owner (which holds no provisioning action). */
let owner: TestAccount;
let intruder: TestAccount;
let environmentKey: Credentials;
beforeAll(async () => {
  ({ owner, other: intruder, envKey: environmentKey } = await twoAccounts(server, ['Owner', 'Intruder']));
});

/** 401 without credentials or with another account's key, 403 for an environment key; none changes anything. */
function testAccessRules(
  method: Method,
  path: () => string,
  permission: string,
  payload: () => Payload | undefined,
  read: () => Promise<unknown>,
): void {
  test.each<[string, () => Credentials | undefined]>([
    ['no credentials', () => undefined],
    ["another account's key", () => intruder.auth],
  ])('401 with %s, and nothing changes', async (_, credentials) => {
    await expectUnchanged(read, async () => {
      const res = await call(method, path(), credentials(), payload());
      expectUnauthorized(res);
    });
  });

  test(`403 for a product environment key (needs ${permission}), and nothing changes`, async () => {
    await expectUnchanged(read, async () =>
      expectErrorMessage(await call(method, path(), environmentKey, payload()), 403, `Not allowed: ${permission}`),
    );
  });
}

// ------------------------------------------------------------------------------------------ /security

describe('GET /security', () => {
  test('an account that never changed its settings has the defaults', async () => {
    expect(await readSecurity(await server.newAccount())).toEqual(DEFAULTS);
  });

  testAccessRules(
    'get',
    () => security(owner),
    'provisioning:security.read',
    () => undefined,
    () => readSecurity(owner),
  );
});

describe('PUT /security', () => {
  test('sets two-factor, SAML and sso_required; reads show the certificate described, never the PEM', async () => {
    const account = await server.newAccount();
    const afterTwoFactor = await putSecurity(account, { two_factor: 'required' });
    expect(afterTwoFactor).toEqual({ ...DEFAULTS, two_factor: 'required', updated_at: expect.stringMatching(ISO_SECONDS) });

    const withSaml = await putSecurity(account, { saml: SAML });
    expect(withSaml).toEqual({
      two_factor: 'required',
      saml: {
        enabled: true,
        idp_entity_id: SAML.idp_entity_id,
        sso_url: SAML.sso_url,
        certificate: {
          subject: 'CN=idp.example',
          issuer: 'CN=idp.example',
          valid_from: expect.stringMatching(ISO_SECONDS),
          valid_to: expect.stringMatching(ISO_SECONDS),
          fingerprint_sha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
        },
      },
      sso_required: false,
      allowed_ips: null,
      key_max_lifetime_days: null,
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(Date.parse(withSaml.saml.certificate.valid_to) - Date.parse(withSaml.saml.certificate.valid_from)).toBe(86_400_000);

    const final = await putSecurity(account, { sso_required: true });
    expect(final).toEqual({ ...withSaml, sso_required: true, updated_at: expect.stringMatching(ISO_SECONDS) });
    expect(await readSecurity(account)).toEqual(final);
    expect(JSON.stringify(final)).not.toContain(pemBody(VALID_PEM).slice(0, 40));

    // Stored as PEM, in the account's one row.
    const rows = await db().query('SELECT saml_certificate FROM account_security WHERE account_id = ?', [account.account_id]);
    expect(rows).toHaveLength(1);
    expect(pemBody(rows[0].saml_certificate)).toBe(pemBody(VALID_PEM));
  });

  test('is a partial update: fields not given keep their values, and form bodies work too', async () => {
    const account = await server.newAccount();
    const before = await putSecurity(account, { two_factor: 'required', saml: SAML, sso_required: true });
    const after = await putSecurity(account, { saml: { sso_url: 'https://idp.example/sso2' } });
    expect(after).toEqual({
      ...before,
      saml: { ...before.saml, sso_url: 'https://idp.example/sso2' },
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    const viaForm = ok(await call('put', security(account), account.auth).type('form').send('two_factor=optional'));
    expect(viaForm).toEqual({ ...after, two_factor: 'optional', updated_at: expect.stringMatching(ISO_SECONDS) });
  });

  test('disabling SAML together with sso_required works', async () => {
    const account = await server.newAccount();
    await putSecurity(account, { saml: SAML, sso_required: true });
    const off = await putSecurity(account, { saml: { enabled: false }, sso_required: false });
    expect(off).toMatchObject({ saml: { enabled: false, idp_entity_id: SAML.idp_entity_id }, sso_required: false });
  });

  /** An account with SAML configured but off, and two-factor required: the refused requests below aim at it. */
  let refused: TestAccount;
  beforeAll(async () => {
    refused = await server.newAccount('Refused');
    await putSecurity(refused, { two_factor: 'required', saml: { idp_entity_id: SAML.idp_entity_id, sso_url: SAML.sso_url } });
  });

  test.each<[string, Payload, string | RegExp]>([
    ['an unknown two_factor', { two_factor: 'sometimes' }, 'two_factor must be one of: optional, required'],
    ['saml that is not an object', { saml: 'on' }, 'saml must be a JSON object'],
    ['an http sso_url', { saml: { sso_url: 'http://idp.example/sso' } }, 'saml.sso_url must be an https URL'],
    ['an sso_url that is no URL', { saml: { sso_url: 'idp.example/sso' } }, 'saml.sso_url must be an https URL'],
    [
      'a certificate that is no PEM',
      { saml: { x509_certificate: 'MIIC-not-a-certificate' } },
      'saml.x509_certificate is not a valid PEM certificate',
    ],
    ['a corrupt PEM', { saml: { x509_certificate: VALID_PEM.replace(/M/g, 'A') } }, 'saml.x509_certificate is not a valid PEM certificate'],
    ['an expired certificate', { saml: { x509_certificate: EXPIRED_PEM } }, 'saml.x509_certificate expired on 2020-01-02T00:00:00Z'],
    [
      'a certificate not valid yet',
      { saml: { x509_certificate: FUTURE_PEM } },
      /^saml\.x509_certificate is not valid before \d{4}-\d\d-\d\dT/,
    ],
    ['enabling SAML without a certificate', { saml: { enabled: true } }, 'SAML cannot be enabled without saml.x509_certificate'],
    ['sso_required without SAML', { sso_required: true }, 'sso_required can be true only while SAML is enabled'],
    [
      'a valid change along with an invalid one',
      { two_factor: 'optional', saml: { enabled: true, sso_url: 'ftp://x' } },
      'saml.sso_url must be an https URL',
    ],
  ])('400 for %s, and nothing changes', async (_, body, message) => {
    await expectUnchanged(
      () => readSecurity(refused),
      async () =>
        expectErrorMessage(
          await call('put', security(refused), refused.auth, body),
          400,
          typeof message === 'string' ? message : expect.stringMatching(message),
        ),
    );
  });

  test.each<[string, Payload, string]>([
    ['a certificate that is no PEM', { saml: { x509_certificate: 'MIIC-not-a-certificate' } }, 'saml.x509_certificate'],
    ['an expired certificate', { saml: { x509_certificate: EXPIRED_PEM } }, 'saml.x509_certificate'],
    ['enabling SAML without a certificate', { saml: { enabled: true } }, 'saml.enabled'],
    ['sso_required without SAML', { sso_required: true }, 'sso_required'],
  ])("the settings' own check of %s names the field it is about (error.path)", async (_, body, path) => {
    const res = await call('put', security(refused), refused.auth, body);
    expect({ status: res.status, path: res.body.error?.path }).toEqual({ status: 400, path });
  });

  test('400 naming every missing field when enabling SAML on a fresh account; no row is written', async () => {
    const account = await server.newAccount();
    expectErrorMessage(
      await call('put', security(account), account.auth, { two_factor: 'required', saml: { enabled: true } }),
      400,
      'SAML cannot be enabled without saml.idp_entity_id, saml.sso_url, saml.x509_certificate',
    );
    expect(await readSecurity(account)).toEqual(DEFAULTS);
  });

  test('400 for disabling SAML while sso_required stays on', async () => {
    const account = await server.newAccount();
    await putSecurity(account, { saml: SAML, sso_required: true });
    await expectUnchanged(
      () => readSecurity(account),
      async () =>
        expectErrorMessage(
          await call('put', security(account), account.auth, { saml: { enabled: false } }),
          400,
          'sso_required can be true only while SAML is enabled',
        ),
    );
  });

  test('400 for enabling SAML with a stored certificate that has expired since', async () => {
    const account = await server.newAccount();
    await putSecurity(account, { saml: { ...SAML, enabled: false } });
    // A test of time: the stored certificate is swapped for one past its end, as if a year went by.
    await db().query('UPDATE account_security SET saml_certificate = ? WHERE account_id = ?', [EXPIRED_PEM, account.account_id]);
    await expectUnchanged(
      () => readSecurity(account),
      async () =>
        expectErrorMessage(
          await call('put', security(account), account.auth, { saml: { enabled: true } }),
          400,
          'saml.x509_certificate expired on 2020-01-02T00:00:00Z',
        ),
    );
  });

  testAccessRules(
    'put',
    () => security(owner),
    'provisioning:security.update',
    () => ({ two_factor: 'required' }),
    () => readSecurity(owner),
  );
});

// ------------------------------------------------------------------------------- verification codes

/** Every mail the SMTP server accepted during this suite. */
const mails = (): ReceivedMail[] => smtp.mails;

async function addUser(account: TestAccount): Promise<UserEntity> {
  const now = new Date();
  const id = newRecordId();
  const user = Object.assign(new UserEntity(), {
    id,
    accountId: account.account_id,
    name: 'Ada',
    email: `ada-${id}@example.com`,
    role: 'admin',
    enabled: true,
    pending: false,
    allSubAccounts: true,
    lastLogin: null,
    createdAt: now,
    updatedAt: now,
  } satisfies UserEntity);
  await db()
    .getRepository(UserEntity)
    .insert({ ...user, emailKey: uniquenessKey(user.email) });
  return user;
}

const sendPath = (a: TestAccount, userId: string) => `${a.base}/users/${userId}/verification_code`;
const verifyPath = (a: TestAccount) => `${a.base}/verification_codes/verify`;

/** Sends a code and returns the response, and the code as the user's mail holds it. */
async function sendCode(a: TestAccount, user: UserEntity): Promise<{ body: Json; code: string }> {
  const count = mails().length;
  const body = ok(await call('post', sendPath(a, user.id), a.auth));
  expect(mails()).toHaveLength(count + 1);
  const mail = mails()[count]!;
  expect(mail).toEqual({
    from: 'castellan@example.com',
    to: [user.email],
    subject: expect.any(String),
    text: expect.stringMatching(/\b\d{6}\b/),
  });
  return { body, code: /\b(\d{6})\b/.exec(mail.text)![1]! };
}

const verify = async (a: TestAccount, userId: string, code: string): Promise<boolean> =>
  ok(await call('post', verifyPath(a), a.auth, { user_id: userId, code })).valid;
const codeRows = (userId: string): Promise<Json[]> => db().query('SELECT * FROM verification_codes WHERE user_id = ?', [userId]);
const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('POST /users/:user_id/verification_code', () => {
  test('mails the user a 6-digit code valid 10 minutes; only its hash is stored, and no response holds it', async () => {
    const user = await addUser(owner);
    const sentAt = Date.now();
    const { body, code } = await sendCode(owner, user);
    expect(body).toEqual({ message: 'ok', expires_at: expect.stringMatching(ISO_SECONDS) });
    expect(Date.parse(body.expires_at) - sentAt).toBeGreaterThan(CODE_VALIDITY_MS - 5000);
    expect(Date.parse(body.expires_at) - sentAt).toBeLessThanOrEqual(CODE_VALIDITY_MS);
    expect(CODE_VALIDITY_MS).toBe(10 * 60 * 1000);

    const rows = await codeRows(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ account_id: owner.account_id, user_id: user.id, code_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Number(rows[0].attempts)).toBe(0);
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(JSON.stringify(body)).not.toContain(code);
    expect(await verify(owner, user.id, code)).toBe(true);
  });

  test("a new code replaces the user's earlier one", async () => {
    const user = await addUser(owner);
    const first = await sendCode(owner, user);
    const second = await sendCode(owner, user);
    expect(await codeRows(user.id)).toHaveLength(1);
    if (first.code !== second.code) expect(await verify(owner, user.id, first.code)).toBe(false);
    expect(await verify(owner, user.id, second.code)).toBe(true);
  });

  test('404 for an unknown user and for a user of another account; no mail, no code', async () => {
    const foreign = await addUser(intruder);
    const count = mails().length;
    expectErrorMessage(await call('post', sendPath(owner, UNKNOWN_ID), owner.auth), 404, `User ${UNKNOWN_ID} not found`);
    expectErrorMessage(await call('post', sendPath(owner, foreign.id), owner.auth), 404, `User ${foreign.id} not found`);
    expect(mails()).toHaveLength(count);
    expect(await codeRows(foreign.id)).toEqual([]);
  });

  test('503 when the mail cannot be sent; the error does not hold the code', async () => {
    const user = await addUser(owner);
    smtp.refuseNext();
    const log = captureStderr();
    let res;
    try {
      res = await call('post', sendPath(owner, user.id), owner.auth);
    } finally {
      log.stop();
    }
    expectErrorMessage(res, 503, 'The verification code could not be sent');
    const code = /\b(\d{6})\b/.exec(smtp.refused.at(-1)!.text)![1]!;
    expect(JSON.stringify(res.body)).not.toContain(code);
    expect(log.text()).toMatch(
      new RegExp(`Could not mail a verification code to user ${user.id}: .*554 Message refused by the test server`),
    );
    expect(log.text()).not.toContain(code);
  });

  test('five codes to one user in ten minutes; the sixth is a 429 with Retry-After that mails nothing, and is audited', async () => {
    const sender = await server.newAccount('Code sender');
    const [target, other] = [await addUser(sender), await addUser(sender)];
    for (let i = 0; i < CODES_PER_USER.points; i++) await sendCode(sender, target);
    const count = mails().length;
    const res = await call('post', sendPath(sender, target.id), sender.auth);
    expectErrorMessage(
      res,
      429,
      expect.stringMatching(/^Too many verification codes: a user may be sent 5 every 10 minutes; retry after \d+ seconds$/),
    );
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(mails()).toHaveLength(count);
    await sendCode(sender, other);
    const audit = ok(await call('get', `${sender.base}/audit_events?action=provisioning:verification_codes.create`, sender.auth)).events;
    expect(audit.filter((e: Json) => e.target?.id === target.id).map((e: Json) => e.status)).toEqual([429, 200, 200, 200, 200, 200]);
  });

  test('one key sends at most 30 codes in ten minutes, whoever they go to', async () => {
    const sender = await server.newAccount('Code sprayer');
    const users = await Promise.all(Array.from({ length: CODES_PER_CALLER.points + 1 }, () => addUser(sender)));
    for (const user of users.slice(0, -1)) ok(await call('post', sendPath(sender, user.id), sender.auth));
    const res = await call('post', sendPath(sender, users.at(-1)!.id), sender.auth);
    expectErrorMessage(
      res,
      429,
      expect.stringMatching(/^Too many verification codes: this key may send 30 every 10 minutes; retry after \d+ seconds$/),
    );
  });

  let guardedUser: UserEntity;
  beforeAll(async () => (guardedUser = await addUser(owner)));
  testAccessRules(
    'post',
    () => sendPath(owner, guardedUser.id),
    'provisioning:verification_codes.create',
    () => undefined,
    async () => ({
      rows: await codeRows(guardedUser.id),
      mails: mails().length,
    }),
  );
});

describe('POST /verification_codes/verify', () => {
  test('a correct code is valid once: verifying burns it', async () => {
    const user = await addUser(owner);
    const { code } = await sendCode(owner, user);
    expect(await verify(owner, user.id, code)).toBe(true);
    expect(await codeRows(user.id)).toEqual([]);
    expect(await verify(owner, user.id, code)).toBe(false);
  });

  test('a wrong code counts an attempt; the right one still works within the budget', async () => {
    const user = await addUser(owner);
    const { code } = await sendCode(owner, user);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      expect(await verify(owner, user.id, wrong(code))).toBe(false);
      expect(Number((await codeRows(user.id))[0].attempts)).toBe(i);
    }
    expect(await verify(owner, user.id, code)).toBe(true);
  });

  test('the fifth wrong try burns the code: then even the right code is refused', async () => {
    const user = await addUser(owner);
    const { code } = await sendCode(owner, user);
    expect(MAX_ATTEMPTS).toBe(5);
    for (let i = 0; i < MAX_ATTEMPTS; i++) expect(await verify(owner, user.id, wrong(code))).toBe(false);
    expect(await codeRows(user.id)).toEqual([]);
    expect(await verify(owner, user.id, code)).toBe(false);
  });

  test('an expired code is refused', async () => {
    const user = await addUser(owner);
    const { code } = await sendCode(owner, user);
    // A test of time: the code's expiry is moved to the past rather than waiting 10 minutes.
    await db()
      .getRepository(VerificationCodeEntity)
      .update({ userId: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await verify(owner, user.id, code)).toBe(false);
  });

  test('false for a user who has no code', async () => {
    expect(await verify(owner, (await addUser(owner)).id, '123456')).toBe(false);
  });

  test("404 for an unknown user and for another account's user, even with their right code", async () => {
    const foreign = await addUser(intruder);
    const { code } = await sendCode(intruder, foreign);
    expectErrorMessage(
      await call('post', verifyPath(owner), owner.auth, { user_id: UNKNOWN_ID, code }),
      404,
      `User ${UNKNOWN_ID} not found`,
    );
    expectErrorMessage(
      await call('post', verifyPath(owner), owner.auth, { user_id: foreign.id, code }),
      404,
      `User ${foreign.id} not found`,
    );
    expect(Number((await codeRows(foreign.id))[0].attempts)).toBe(0);
    expect(await verify(intruder, foreign.id, code)).toBe(true);
  });

  describe('bad input', () => {
    let user: UserEntity;
    let code: string;
    beforeAll(async () => {
      user = await addUser(owner);
      ({ code } = await sendCode(owner, user));
    });

    test.each<[string, (userId: string) => Payload, string]>([
      ['a 5-digit code', (id) => ({ user_id: id, code: '12345' }), 'code must be 6 digits'],
      ['a 7-digit code', (id) => ({ user_id: id, code: '1234567' }), 'code must be 6 digits'],
      ['a code with letters', (id) => ({ user_id: id, code: '12a456' }), 'code must be 6 digits'],
      ['a code as a number', (id) => ({ user_id: id, code: 123456 }), 'code must be a string'],
      ['no code', (id) => ({ user_id: id }), 'code is required'],
      ['no user_id', () => ({ code: '123456' }), 'user_id is required'],
    ])('400 for %s; no attempt is counted', async (_, body, message) => {
      await expectUnchanged(
        () => codeRows(user.id),
        async () => expectErrorMessage(await call('post', verifyPath(owner), owner.auth, body(user.id)), 400, message),
      );
    });

    afterAll(async () => expect(await verify(owner, user.id, code)).toBe(true));
  });

  let guardedUser: UserEntity;
  beforeAll(async () => {
    guardedUser = await addUser(owner);
    await sendCode(owner, guardedUser);
  });
  testAccessRules(
    'post',
    () => verifyPath(owner),
    'provisioning:verification_codes.verify',
    () => ({ user_id: guardedUser.id, code: '000000' }),
    () => codeRows(guardedUser.id),
  );
});

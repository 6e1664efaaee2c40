import { randomUUID } from 'node:crypto';
import type { Response, Test } from 'supertest';
import { AccountService } from '@castellan/accounts';
import { ERROR_BODY, INVALID_CREDENTIALS, ISO_SECONDS, startServer, TestAccount, TestServer } from './support/harness.js';
import { bind, Credentials, ok, twoAccounts } from './support/http.js';

// The account resource itself: GET and PUT on /v1_1/provisioning/accounts/:account_id.

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());
const { call } = bind(() => server);

const DEFAULT_ENVIRONMENT_LIMIT = 100;

const getAccount = async (a: TestAccount) => ok(await call('get', a.base, a.auth));
const rename = (a: TestAccount) => call('put', a.base, a.auth);

// Credentials: one account is the target of every refused request, and must never change.
let owner: TestAccount;
let other: TestAccount;
let envKey: Credentials;
let ownerBefore: unknown;
beforeAll(async () => {
  const accounts = await twoAccounts(server, ['Owner', 'Other']);
  ({ owner, other, envKey } = accounts);
  expect(accounts.env.api_access_keys).toHaveLength(1);
  ownerBefore = await getAccount(owner);
});

const UNAUTHORIZED: [string, () => { path: string; auth?: Credentials }][] = [
  ['no credentials', () => ({ path: owner.base })],
  ["another account's valid key", () => ({ path: owner.base, auth: other.auth })],
  ["the account's key with another account's secret", () => ({ path: owner.base, auth: [owner.api_key, other.api_secret] })],
  ["the account's key with a made-up secret", () => ({ path: owner.base, auth: [owner.api_key, 'guess'] })],
  // The key is valid, but not for that path: nothing tells the caller whether the account exists.
  [
    "the account's own key on an account id that does not exist",
    () => ({ path: owner.base.replace(owner.account_id, randomUUID()), auth: owner.auth }),
  ],
];

/** 401 for every bad credential and 403 for a product environment's key; the account never changes. */
function credentialRules(send: (path: string, credentials?: Credentials) => Test, permission: string): void {
  test.each(UNAUTHORIZED)('401 with %s, and nothing changes', async (_, given) => {
    const { path, auth } = given();
    const res = await send(path, auth);
    expect([res.status, res.headers['www-authenticate'], res.body]).toEqual([401, 'Basic realm="castellan"', INVALID_CREDENTIALS]);
    expect(await getAccount(owner)).toEqual(ownerBefore);
  });

  test(`403 for a product environment's key of the account (needs ${permission}), and nothing changes`, async () => {
    const res = await send(owner.base, envKey);
    expect([res.status, res.body]).toEqual([403, { error: { message: `Not allowed: ${permission}` } }]);
    expect(await getAccount(owner)).toEqual(ownerBefore);
  });
}

describe('GET account', () => {
  test('shows the account, its default limit, its endpoints and its timestamps', async () => {
    const a = await server.newAccount('Shown account');
    const account = await getAccount(a);
    expect(account).toEqual({
      id: a.account_id,
      name: 'Shown account',
      limits: { product_environments: DEFAULT_ENVIRONMENT_LIMIT },
      endpoints: {
        provisioning_api: expect.stringMatching(/^https?:\/\/.+/),
        authorize: expect.stringMatching(/^https?:\/\/.+/),
        docs: expect.stringMatching(/^https?:\/\/.+/),
      },
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(account.endpoints.provisioning_api.endsWith(`/v1_1/provisioning/accounts/${a.account_id}`)).toBe(true);
  });

  test('shows a limit the operator has changed', async () => {
    const a = await server.newAccount();
    await server.app.get(AccountService).setEnvironmentLimit(a.account_id, 7);
    expect((await getAccount(a)).limits).toEqual({ product_environments: 7 });
  });

  test('each account sees itself, not another one', async () => {
    const [first, second] = [await server.newAccount('First'), await server.newAccount('Second')];
    expect([(await getAccount(first)).name, (await getAccount(second)).name]).toEqual(['First', 'Second']);
  });

  credentialRules((path, credentials) => call('get', path, credentials), 'provisioning:account.read');
});

describe('PUT account', () => {
  test('renames the account from a JSON body; other fields stay as they were', async () => {
    const a = await server.newAccount('Before');
    const before = await getAccount(a);
    const renamed = ok(await rename(a).send({ name: 'After' }));
    expect(renamed).toEqual({ ...before, name: 'After', updated_at: expect.stringMatching(ISO_SECONDS) });
    expect(await getAccount(a)).toEqual(renamed);
  });

  test.each([
    ['a form body', 'name=From+a+form', 'From a form'],
    ['a name of exactly 255 characters', { name: 'n'.repeat(255) }, 'n'.repeat(255)],
    ['a one-character name', { name: 'n' }, 'n'],
  ])('accepts %s', async (_, body, expected) => {
    const a = await server.newAccount();
    const req = typeof body === 'string' ? rename(a).type('form').send(body) : rename(a).send(body);
    expect(ok(await req).name).toBe(expected);
    expect((await getAccount(a)).name).toBe(expected);
  });

  test.each([
    ['limits', { limits: { product_environments: 5 } }],
    ['product_environments', { product_environments: 5 }],
    ['max_product_environments', { max_product_environments: 5 }],
    ['id and created_at', { id: '00000000-0000-0000-0000-000000000000', created_at: '2000-01-01T00:00:00Z' }],
  ])('ignores %s in the body: the limit stays at 100 and the identity as it was', async (_, extra) => {
    const a = await server.newAccount();
    const before = await getAccount(a);
    const renamed = ok(await rename(a).send({ name: 'Still limited', ...extra }));
    const expected = { ...before, name: 'Still limited', updated_at: expect.stringMatching(ISO_SECONDS) };
    expect(renamed).toEqual(expected);
    expect(await getAccount(a)).toEqual(expected);
    expect(renamed.limits.product_environments).toBe(DEFAULT_ENVIRONMENT_LIMIT);
  });

  describe('invalid input: 400 and the account unchanged', () => {
    test.each<[string, (r: ReturnType<typeof rename>) => PromiseLike<Response>]>([
      ['no body', (r) => r],
      ['an empty JSON object', (r) => r.send({})],
      ['an empty name', (r) => r.send({ name: '' })],
      ['a null name', (r) => r.send({ name: null })],
      ['a blank name', (r) => r.send({ name: '    ' })],
      ['a name over 255 characters', (r) => r.send({ name: 'n'.repeat(256) })],
      ['a name that is not a string', (r) => r.send({ name: 12 })],
      ['a name that is an object', (r) => r.send({ name: { first: 'x' } })],
      ['an empty name in a form body', (r) => r.type('form').send('name=')],
      ['a malformed JSON body', (r) => r.type('json').send('{"name":')],
    ])('%s', async (_, send) => {
      const a = await server.newAccount('Unchanged');
      const before = await getAccount(a);
      const res = await send(rename(a));
      expect([res.status, res.body]).toEqual([400, ERROR_BODY]);
      expect(await getAccount(a)).toEqual(before);
    });
  });

  credentialRules((path, credentials) => call('put', path, credentials, { name: 'Taken over' }), 'provisioning:account.update');
});

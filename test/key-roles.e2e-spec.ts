import { bind, okBody } from './support/http.js';
import { expectError, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';

// Keys may hold custom roles beside their own rules: they hold the union, and a change to a role changes every
// key holding it on the next request.

type Auth = [string, string];
type Rules = { effect: 'allow' | 'deny'; actions: string[] }[];

let server: TestServer;
let a: TestAccount;

beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Key roles owner');
});
afterAll(() => server.close());

const { call: send } = bind(() => server);
const ok = okBody;
const allow = (...actions: string[]): Rules => [{ effect: 'allow', actions }];
let roles = 0;
const newRole = async (rules: Rules): Promise<string> =>
  (await ok(send('post', `${a.base}/roles`, a.auth, { name: `role ${++roles}`, rules }))).id;

async function newEnvironmentKey(): Promise<{ envId: string; path: string; auth: Auth }> {
  const env = await ok(send('post', `${a.base}/sub_accounts`, a.auth, { name: 'Env', cloud_name: uniqueCloudName('kr') }));
  const key = env.api_access_keys[0];
  return { envId: env.id, path: `${a.base}/sub_accounts/${env.id}/access_keys/${key.key}/permissions`, auth: [key.key, key.secret] };
}
const decide = async (auth: Auth, action: string) => (await ok(send('post', '/v1_1/authorize', auth, { action }))).reason;

test('an environment key holds the union of its rules and its roles, and follows role changes', async () => {
  const role = await newRole(allow('upload:destroy'));
  const key = await newEnvironmentKey();
  expect(await ok(send('put', key.path, a.auth, { rules: allow('upload:upload'), roles: [role] }))).toMatchObject({ roles: [role] });
  expect(await ok(send('get', key.path, a.auth))).toMatchObject({ rules: allow('upload:upload'), roles: [role], default: false });
  expect([
    await decide(key.auth, 'upload:upload'),
    await decide(key.auth, 'upload:destroy'),
    await decide(key.auth, 'upload:rename'),
  ]).toEqual(['ALLOWED', 'ALLOWED', 'NO_MATCHING_RULE']);
  await ok(send('put', `${a.base}/roles/${role}`, a.auth, { rules: allow('upload:rename') }));
  expect([await decide(key.auth, 'upload:destroy'), await decide(key.auth, 'upload:rename')]).toEqual(['NO_MATCHING_RULE', 'ALLOWED']);
});

test('an account key gains Provisioning API actions from a role', async () => {
  const role = await newRole(allow('provisioning:sub_accounts.read'));
  const key = await ok(send('post', `${a.base}/account_api_keys`, a.auth, { name: `narrow ${Date.now()}` }));
  const auth: Auth = [key.api_key, key.api_secret];
  const path = `${a.base}/account_api_keys/${key.api_key}/permissions`;
  await ok(send('put', path, a.auth, { rules: allow('provisioning:account.read') }));
  expect((await send('get', `${a.base}/sub_accounts`, auth)).status).toBe(403);
  await ok(send('put', path, a.auth, { rules: allow('provisioning:account.read'), roles: [role] }));
  expect((await send('get', `${a.base}/sub_accounts`, auth)).status).toBe(200);
});

test('a role a key holds cannot be deleted; once the key is gone, or lets go of it, it can', async () => {
  const [held, released] = [await newRole(allow('upload:upload')), await newRole(allow('upload:upload'))];
  const [k1, k2] = [await newEnvironmentKey(), await newEnvironmentKey()];
  await ok(send('put', k1.path, a.auth, { rules: [], roles: [held] }));
  await ok(send('put', k2.path, a.auth, { rules: [], roles: [released] }));
  const refused = await send('delete', `${a.base}/roles/${held}`, a.auth);
  expectError(refused, 409);
  expect(refused.body.error.message).toContain('key');
  await ok(send('put', k2.path, a.auth, { rules: [] }));
  await ok(send('delete', `${a.base}/roles/${released}`, a.auth));
  await ok(send('delete', `${a.base}/sub_accounts/${k1.envId}`, a.auth));
  await ok(send('delete', `${a.base}/roles/${held}`, a.auth));
});

test('unknown roles are 404, roles on a user key are 400, and neither changes anything', async () => {
  const key = await newEnvironmentKey();
  const before = await ok(send('get', key.path, a.auth));
  expectError(await send('put', key.path, a.auth, { rules: [], roles: ['0123456789abcdef0123456789abcdef'] }), 404);
  expect(await ok(send('get', key.path, a.auth))).toEqual(before);
  const user = await ok(send('post', `${a.base}/users`, a.auth, { name: 'U', email: `u${Date.now()}@example.com`, role: 'admin' }));
  const userKey = await ok(send('post', `${a.base}/users/${user.id}/api_keys`, a.auth, { name: 'k' }));
  const role = await newRole(allow('upload:upload'));
  const res = await send('put', `${a.base}/users/${user.id}/api_keys/${userKey.api_key}/permissions`, a.auth, { rules: [], roles: [role] });
  expectError(res, 400);
  expect(res.body.error.message).toMatch(/^roles: /);
});

test('a caller cannot hand a key a role granting what the caller lacks', async () => {
  const role = await newRole(allow('upload:destroy'));
  const narrow = await ok(send('post', `${a.base}/account_api_keys`, a.auth, { name: `granter ${Date.now()}` }));
  await ok(
    send('put', `${a.base}/account_api_keys/${narrow.api_key}/permissions`, a.auth, { rules: allow('provisioning:*', 'upload:upload') }),
  );
  const key = await newEnvironmentKey();
  const res = await send('put', key.path, [narrow.api_key, narrow.api_secret], { rules: allow('upload:upload'), roles: [role] });
  expectError(res, 403);
  expect(res.body.error.message).toContain('upload:destroy');
});

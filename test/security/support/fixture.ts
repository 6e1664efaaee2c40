import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../../../libs/credentials/src/api-key.entity.js';
import type { TestAccount } from '../../support/harness.js';
import { uniqueCloudName } from '../../support/harness.js';
import { allow, Credentials, Json, ok } from '../../support/http.js';
import type { RegisteredRoute } from '../../support/routes.js';
import type { SecurityServer } from './server.js';
import { GOOD_PASSWORD, setPassword, signIn } from '../../support/people.js';

/** A credential the matrix presents, and what it is. */
export type CredentialName =
  | 'another account'
  | 'disabled account key'
  | 'expired account key'
  | 'disabled environment key'
  | 'expired environment key'
  | 'disabled user key'
  | 'expired user key'
  | 'key of a disabled user'
  | 'environment key'
  | 'user key without privileges';

/** A person's console session the matrix presents (a cookie, with the CSRF header), and what it is. */
export type SessionName = 'session without privileges' | 'session of another account';

/**
 * An account with one of everything, made through the API, and another account beside it. Path parameters of
 * any route are filled with the target's real ids, so a refusal is never a 404 in disguise.
 */
export interface Target {
  account: TestAccount;
  other: TestAccount;
  /** Records of the other account, which no request of the target may ever touch. */
  foreign: { envId: string; userId: string };
  /** Ids by path parameter name (api_key depends on the route; see pathFor). */
  ids: { account_id: string; sub_account_id: string; user_id: string; group_id: string; role_id: string; session_id: string };
  /** A key of each kind that path parameters name: never used as a credential. */
  pathKeys: { environment: string; account: string; user: string };
  credentials: Record<CredentialName, Credentials>;
  /** Session cookies, as Cookie header values. */
  sessions: Record<SessionName, string>;
}

const credentialsOf = (key: Json): Credentials => [key.api_key, key.api_secret];

/** Sets a key's expiry in the past directly: the API refuses an expiry that has already passed. */
export async function expire(server: SecurityServer, apiKey: string): Promise<void> {
  await server.app
    .get(DataSource)
    .getRepository(ApiKeyEntity)
    .update({ apiKey }, { expiresAt: new Date(Date.now() - 60_000) });
}

export async function buildTarget(server: SecurityServer): Promise<Target> {
  const { call } = server;
  const [account, other] = [await server.newAccount('Security target'), await server.newAccount('Security bystander')];
  const base = account.base;
  const post = async (path: string, body: object, as: Credentials = account.auth): Promise<Json> =>
    ok(await call('post', path, as, body as Record<string, unknown>));
  const put = async (path: string, body: object): Promise<Json> =>
    ok(await call('put', path, account.auth, body as Record<string, unknown>));

  const env = await post(`${base}/sub_accounts`, { name: 'Target env', cloud_name: uniqueCloudName('sec') });
  const envKeys = `${base}/sub_accounts/${env.id}/access_keys`;
  const envKey = async (name: string) => post(envKeys, { name });
  const accountKey = async (name: string) => post(`${base}/account_api_keys`, { name });
  const user = async (name: string, role: string) =>
    post(`${base}/users`, { name, email: `${name.replace(/\W/g, '.')}@${account.account_id}.example`, role });
  const userKey = async (userId: string, name: string) => post(`${base}/users/${userId}/api_keys`, { name });

  const [pathUser, weakUser, admin, leaver] = [
    await user('Path user', 'media_library_user'),
    await user('Weak user', 'media_library_user'),
    await user('Admin user', 'master_admin'),
    await user('Leaving admin', 'master_admin'),
  ];
  const group = await post(`${base}/user_groups`, { name: 'Target group' });
  const role = await post(`${base}/roles`, { name: 'Target role', rules: [allow('upload:upload')] });
  await post(`${base}/user_groups/${group.id}/users/${pathUser.id}`, {});

  const [disabledAccount, expiredAccount] = [await accountKey('disabled'), await accountKey('expired')];
  const [disabledEnv, expiredEnv] = [await envKey('disabled'), await envKey('expired')];
  const [disabledUser, expiredUser, leaverKey] = [
    await userKey(admin.id, 'disabled'),
    await userKey(admin.id, 'expired'),
    await userKey(leaver.id, 'mine'),
  ];
  await put(`${base}/account_api_keys/${disabledAccount.api_key}`, { enabled: false });
  await put(`${envKeys}/${disabledEnv.api_key}`, { enabled: false });
  await put(`${base}/users/${admin.id}/api_keys/${disabledUser.api_key}`, { enabled: false });
  await put(`${base}/users/${leaver.id}`, { enabled: false });
  for (const key of [expiredAccount, expiredEnv, expiredUser]) await expire(server, key.api_key);

  // Sessions: the weak user's, the path user's (whose id paths name) and one in the other account.
  const session = async (accountId: string, email: string, userId: string): Promise<string> => {
    await setPassword(server, accountId, userId);
    return signIn(server, { email, password: GOOD_PASSWORD }, accountId);
  };
  const weakSession = await session(account.account_id, weakUser.email, weakUser.id);
  const pathSession = await session(account.account_id, pathUser.email, pathUser.id);
  const [pathSessionRow] = ok(await server.http().get('/v1_1/me/sessions').set('cookie', pathSession)).sessions;

  const foreignEnv = await post(`${other.base}/sub_accounts`, { name: 'Bystander env', cloud_name: uniqueCloudName('sec') }, other.auth);
  const foreignUser = await post(`${other.base}/users`, { name: 'Bystander', email: `bystander@${other.account_id}.example` }, other.auth);

  return {
    account,
    other,
    foreign: { envId: foreignEnv.id, userId: foreignUser.id },
    ids: {
      account_id: account.account_id,
      sub_account_id: env.id,
      user_id: pathUser.id,
      group_id: group.id,
      role_id: role.id,
      session_id: pathSessionRow.id,
    },
    pathKeys: {
      environment: (await envKey('path key')).api_key,
      account: (await accountKey('path key')).api_key,
      user: (await userKey(pathUser.id, 'path key')).api_key,
    },
    credentials: {
      'another account': other.auth,
      'disabled account key': credentialsOf(disabledAccount),
      'expired account key': credentialsOf(expiredAccount),
      'disabled environment key': credentialsOf(disabledEnv),
      'expired environment key': credentialsOf(expiredEnv),
      'disabled user key': credentialsOf(disabledUser),
      'expired user key': credentialsOf(expiredUser),
      'key of a disabled user': credentialsOf(leaverKey),
      'environment key': [env.api_access_keys[0].key, env.api_access_keys[0].secret],
      'user key without privileges': credentialsOf(await userKey(weakUser.id, 'weak')),
    },
    sessions: {
      'session without privileges': weakSession,
      'session of another account': await session(other.account_id, foreignUser.email, foreignUser.id),
    },
  };
}

/** Which kind of key the `:api_key` of a path names, from the collection it sits in; undefined where there is none. */
export function keyKindOf(path: string): keyof Target['pathKeys'] | undefined {
  if (/\/access_keys\/:api_key/.test(path)) return 'environment';
  if (/\/account_api_keys\/:api_key/.test(path)) return 'account';
  if (/\/users\/:user_id\/api_keys\/:api_key/.test(path)) return 'user';
  return undefined;
}

/**
 * The route's path with the target's ids in it. A parameter the fixture does not know fails loudly, so that a
 * new route gets a real id here rather than a silent 404.
 */
export function pathFor(route: RegisteredRoute, target: Target, override: Record<string, string> = {}): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => {
    const kind = keyKindOf(route.path);
    const value =
      override[name] ?? (name === 'api_key' ? kind && target.pathKeys[kind] : (target.ids as Record<string, string | undefined>)[name]);
    if (value === undefined)
      throw new Error(`${route.name}: no id for :${name}. Add one to the target in test/security/support/fixture.ts`);
    return encodeURIComponent(value);
  });
}

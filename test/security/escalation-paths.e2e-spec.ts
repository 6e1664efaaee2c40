import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { UserEntity } from '../../libs/people/src/users/user.entity.js';
import { expectUnchanged, startServer, TestAccount, TestServer, uniqueCloudName } from '../support/harness.js';
import { allow, bind, Credentials, deny, expectErrorMessage, Json, ok, Rule } from '../support/http.js';

// Each way around the permission model that issue 14 reported, as a plain request through HTTP: a caller must never
// end up holding, or able to hand out, what it did not hold. test/security/escalation.e2e-spec.ts hunts for more.

let server: TestServer;
const { call } = bind(() => server);
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

/** A fresh account with two product environments, so that every test starts from nothing it did not make. */
interface World {
  a: TestAccount;
  envs: [Env, Env];
}
interface Env {
  id: string;
  cloud_name: string;
  root: Credentials;
}

let serial = 0;
const next = () => `${++serial}-${Date.now().toString(36)}`;

async function world(): Promise<World> {
  const a = await server.newAccount('Escalation paths');
  const env = async (name: string): Promise<Env> => {
    const body = ok(await call('post', `${a.base}/sub_accounts`, a.auth, { name, cloud_name: uniqueCloudName('esc') }));
    return { id: body.id, cloud_name: body.cloud_name, root: [body.api_access_keys[0].key, body.api_access_keys[0].secret] };
  };
  return { a, envs: [await env('One'), await env('Two')] };
}

/** A user made by the account's root key, and one key of it (made by the root key too). */
async function person(w: World, fields: Record<string, unknown>): Promise<{ id: string; key: Credentials; apiKey: string }> {
  const user = ok(await call('post', `${w.a.base}/users`, w.a.auth, { name: 'Person', email: `p${next()}@example.com`, ...fields }));
  const key = ok(await call('post', `${w.a.base}/users/${user.id}/api_keys`, w.a.auth, { name: `k${next()}` }));
  return { id: user.id, key: [key.api_key, key.api_secret], apiKey: key.api_key };
}

async function accountKey(w: World, rules?: Rule[], roles?: string[]): Promise<Credentials> {
  const key = ok(await call('post', `${w.a.base}/account_api_keys`, w.a.auth, { name: `k${next()}` }));
  if (rules) ok(await call('put', `${w.a.base}/account_api_keys/${key.api_key}/permissions`, w.a.auth, { rules, roles }));
  return [key.api_key, key.api_secret];
}

async function narrow(w: World, userId: string, apiKey: string, rules: Rule[]): Promise<void> {
  ok(await call('put', `${w.a.base}/users/${userId}/api_keys/${apiKey}/permissions`, w.a.auth, { rules }));
}

const newRole = async (w: World, rules: Rule[]): Promise<string> =>
  ok(await call('post', `${w.a.base}/roles`, w.a.auth, { name: `r${next()}`, rules })).id;

async function decide(key: Credentials, action: string, cloudName?: string): Promise<Json> {
  return ok(await call('post', '/v1_1/authorize', key, { action, ...(cloudName ? { cloud_name: cloudName } : {}) }));
}

/** A refusal of the grant invariant: 403, naming the action the caller lacks. */
function refused(res: Response, action: string): void {
  expectErrorMessage(res, 403, expect.stringMatching(new RegExp(`^Not allowed: ${action.replace(/[.*]/g, '\\$&')}[ ,]`)));
}

/** Everything about the account's people and keys that a refused request could have changed. */
async function snapshot(w: World): Promise<Json> {
  const get = async (path: string) => ok(await call('get', `${w.a.base}${path}`, w.a.auth));
  const users = (await get('/users')).users;
  const userKeys = await Promise.all(users.map((u: Json) => get(`/users/${u.id}/api_keys`)));
  const keyList = (list: Json[]) => list.map(({ last_used_at: _, last_used_ip: __, ...rest }: Json) => rest);
  return {
    users,
    userKeys: userKeys.map((l) => keyList(l.api_keys)),
    accountKeys: keyList((await get('/account_api_keys')).account_api_keys),
    environments: (await get('/sub_accounts')).sub_accounts,
    groups: (await get('/user_groups?extended_details=true')).user_groups,
    roles: (await get('/roles')).roles,
  };
}
const unchanged = (w: World, attempt: () => Promise<void>) => expectUnchanged(() => snapshot(w), attempt);

describe('the nine paths of issue 14', () => {
  test('1. a key allowed users.create and users.update makes or promotes no master admin', async () => {
    const w = await world();
    const staff = await accountKey(w, [
      allow('provisioning:users.read', 'provisioning:users.create', 'provisioning:users.update', 'provisioning:user_api_keys.create'),
    ]);
    const someone = await person(w, { role: 'media_library_user' });
    await unchanged(w, async () => {
      refused(
        await call('post', `${w.a.base}/users`, staff, { name: 'Boss', email: `boss${next()}@example.com`, role: 'master_admin' }),
        'provisioning:account.read',
      );
      // Someone already holds more than it: it may not change them at all.
      refused(await call('put', `${w.a.base}/users/${someone.id}`, staff, { role: 'master_admin' }), 'provisioning:own_api_keys.read');
      refused(await call('post', `${w.a.base}/users/${someone.id}/api_keys`, staff, { name: 'mine' }), 'provisioning:own_api_keys.read');
    });
  });

  test('2. an admin does not promote itself to master_admin; security stays closed to it', async () => {
    const w = await world();
    const admin = await person(w, { role: 'admin' });
    await unchanged(w, async () =>
      refused(
        await call('put', `${w.a.base}/users/${admin.id}`, admin.key, { role: 'master_admin' }),
        'provisioning:account_api_keys.create',
      ),
    );
    expectErrorMessage(
      await call('put', `${w.a.base}/security`, admin.key, { two_factor: 'required' }),
      403,
      'Not allowed: provisioning:security.update',
    );
  });

  test('3. an admin does not give itself a custom role holding more, nor every environment', async () => {
    const w = await world();
    const keeper = await newRole(w, [allow('provisioning:security.update')]);
    const admin = await person(w, { role: 'admin', sub_account_ids: [w.envs[0].id] });
    await unchanged(w, async () => {
      refused(await call('put', `${w.a.base}/users/${admin.id}`, admin.key, { custom_roles: [keeper] }), 'provisioning:security.update');
      refused(await call('put', `${w.a.base}/users/${admin.id}`, admin.key, { all_sub_accounts: true }), 'provisioning:sub_accounts.read');
      refused(
        await call('put', `${w.a.base}/users/${admin.id}`, admin.key, { sub_account_ids: [w.envs[0].id, w.envs[1].id] }),
        'provisioning:sub_accounts.read',
      );
    });
  });

  test('4. a key that may only rotate account keys does not rotate a wider one', async () => {
    const w = await world();
    const rotator = await accountKey(w, [allow('provisioning:account_api_keys.rotate')]);
    await unchanged(w, async () =>
      refused(await call('post', `${w.a.base}/account_api_keys/${w.a.api_key}/rotate`, rotator, {}), 'provisioning:account.read'),
    );
    expect((await call('get', w.a.base, w.a.auth)).status).toBe(200);
  });

  test("5. an admin does not rotate a master admin's key", async () => {
    const w = await world();
    const [admin, boss] = [await person(w, { role: 'admin' }), await person(w, { role: 'master_admin' })];
    await unchanged(w, async () =>
      refused(
        await call('post', `${w.a.base}/users/${boss.id}/api_keys/${boss.apiKey}/rotate`, admin.key, {}),
        'provisioning:account_api_keys.create',
      ),
    );
    expect((await call('get', w.a.base, boss.key)).status).toBe(200);
  });

  test("6. a key that may only rotate environment keys does not rotate the environment's Root key", async () => {
    const w = await world();
    const rotator = await accountKey(w, [allow('provisioning:access_keys.rotate')]);
    const env = w.envs[0];
    await unchanged(w, async () =>
      refused(await call('post', `${w.a.base}/sub_accounts/${env.id}/access_keys/${env.root[0]}/rotate`, rotator, {}), 'upload:upload'),
    );
    expect((await decide(env.root, 'upload:upload')).allowed).toBe(true);
  });

  test('7. a narrowed user key does not widen its own rules', async () => {
    const w = await world();
    const me = await person(w, { role: 'technical_admin' });
    await narrow(w, me.id, me.apiKey, [allow('provisioning:own_api_keys.update', 'provisioning:own_api_keys.read', 'upload:upload')]);
    const own = `${w.a.base}/users/${me.id}/api_keys/${me.apiKey}/permissions`;
    await unchanged(w, async () => refused(await call('put', own, me.key, { rules: [allow('*')] }), 'provisioning:account.read'));
    // Narrowing further is fine.
    expect(ok(await call('put', own, me.key, { rules: [allow('provisioning:own_api_keys.read', 'upload:upload')] })).rules).toEqual([
      allow('provisioning:own_api_keys.read', 'upload:upload'),
    ]);
  });

  test('8. a key made by a narrowed user key is narrowed alike', async () => {
    const w = await world();
    const me = await person(w, { role: 'technical_admin' });
    const rules = [allow('provisioning:own_api_keys.create', 'upload:upload')];
    await narrow(w, me.id, me.apiKey, rules);
    const made = ok(await call('post', `${w.a.base}/users/${me.id}/api_keys`, me.key, { name: 'made' }));
    expect(ok(await call('get', `${w.a.base}/users/${me.id}/api_keys/${made.api_key}/permissions`, w.a.auth))).toMatchObject({
      rules,
      default: false,
    });
    const madeKey: Credentials = [made.api_key, made.api_secret];
    expect((await decide(madeKey, 'upload:upload')).allowed).toBe(true);
    expect((await decide(madeKey, 'upload:destroy')).allowed).toBe(false);
    expect((await call('get', `${w.a.base}/sub_accounts`, madeKey)).status).toBe(403);
  });

  test('9. a narrowed user key does not rotate a wider sibling key of its user; a sibling narrowed alike, it may', async () => {
    const w = await world();
    const me = await person(w, { role: 'technical_admin' });
    const rules = [allow('provisioning:own_api_keys.rotate', 'provisioning:own_api_keys.create', 'upload:upload')];
    await narrow(w, me.id, me.apiKey, rules);
    const wide = ok(await call('post', `${w.a.base}/users/${me.id}/api_keys`, w.a.auth, { name: 'wide' }));
    await unchanged(w, async () =>
      refused(await call('post', `${w.a.base}/users/${me.id}/api_keys/${wide.api_key}/rotate`, me.key, {}), 'provisioning:account.read'),
    );
    const alike = ok(await call('post', `${w.a.base}/users/${me.id}/api_keys`, me.key, { name: 'alike' }));
    expect(ok(await call('post', `${w.a.base}/users/${me.id}/api_keys/${alike.api_key}/rotate`, me.key, {})).api_secret).toMatch(/^cstlu_/);
  });
});

describe('environment reach is part of what a principal holds', () => {
  test(
    'a user limited to one environment lists only it, cannot create one, ' + 'and decides environment actions only where it reaches',
    async () => {
      const w = await world();
      const [one, two] = w.envs;
      const tech = await person(w, { role: 'technical_admin', sub_account_ids: [one.id] });
      expect(ok(await call('get', `${w.a.base}/sub_accounts`, tech.key)).sub_accounts.map((e: Json) => e.id)).toEqual([one.id]);
      expect(ok(await call('get', `${w.a.base}/sub_accounts?ids=${two.id}`, tech.key)).sub_accounts).toEqual([]);
      expectErrorMessage(
        await call('get', `${w.a.base}/sub_accounts/${two.id}`, tech.key),
        403,
        `Not allowed: provisioning:sub_accounts.read in product environment ${two.id}`,
      );
      await unchanged(w, async () =>
        expectErrorMessage(
          await call('post', `${w.a.base}/sub_accounts`, tech.key, { name: 'Mine', cloud_name: uniqueCloudName('esc') }),
          403,
          'Not allowed: provisioning:sub_accounts.create across product environments: the caller reaches only some of them',
        ),
      );
      expect(await decide(tech.key, 'upload:upload')).toMatchObject({ allowed: false, reason: 'WRONG_ENVIRONMENT', environment: null });
      expect(await decide(tech.key, 'upload:upload', one.cloud_name)).toMatchObject({ allowed: true, reason: 'ALLOWED' });
      expect(await decide(tech.key, 'upload:upload', two.cloud_name)).toMatchObject({ allowed: false, reason: 'WRONG_ENVIRONMENT' });
      // Account actions need no environment.
      expect(await decide(tech.key, 'provisioning:account.read')).toMatchObject({ allowed: true });
    },
  );

  test('an admin limited to one environment makes no key for a user who reaches every environment', async () => {
    const w = await world();
    const admin = await person(w, { role: 'admin', sub_account_ids: [w.envs[0].id] });
    const tech = await person(w, { role: 'technical_admin' });
    await unchanged(w, async () =>
      refused(
        await call('post', `${w.a.base}/users/${tech.id}/api_keys`, admin.key, { name: 'stolen' }),
        'provisioning:sub_accounts.read in every product environment',
      ),
    );
  });

  test("an admin limited to one environment widens nobody's reach through a group's rules or roles, or a role's rules", async () => {
    const w = await world();
    const admin = await person(w, { role: 'admin', sub_account_ids: [w.envs[0].id] });
    const everywhere = await person(w, { role: 'reports' });
    const group = ok(await call('post', `${w.a.base}/user_groups`, w.a.auth, { name: 'G' })).id;
    ok(await call('post', `${w.a.base}/user_groups/${group}/users/${everywhere.id}`, w.a.auth));
    const role = await newRole(w, [allow('admin:usage.read')]);
    ok(await call('put', `${w.a.base}/users/${everywhere.id}`, w.a.auth, { custom_roles: [role] }));
    const uploader = await newRole(w, [allow('upload:*')]);
    await unchanged(w, async () => {
      refused(
        await call('put', `${w.a.base}/user_groups/${group}/permissions`, admin.key, { rules: [allow('upload:destroy')] }),
        'provisioning:sub_accounts.read in every',
      );
      refused(
        await call('put', `${w.a.base}/user_groups/${group}/permissions`, admin.key, { roles: [uploader], rules: [] }),
        'provisioning:sub_accounts.read in every',
      );
      refused(
        await call('put', `${w.a.base}/roles/${role}`, admin.key, { rules: [allow('upload:destroy')] }),
        'provisioning:sub_accounts.read in every',
      );
    });
    expect((await decide(everywhere.key, 'upload:destroy', w.envs[1].cloud_name)).allowed).toBe(false);
  });

  test('a user limited to one environment who may make account keys gets one that acts in no environment', async () => {
    const w = await world();
    const maker = await newRole(w, [allow('provisioning:account_api_keys.create', 'provisioning:account_api_keys.read')]);
    const tech = await person(w, { role: 'technical_admin', sub_account_ids: [w.envs[0].id], custom_roles: [maker] });
    const made = ok(await call('post', `${w.a.base}/account_api_keys`, tech.key, { name: 'made' }));
    const key: Credentials = [made.api_key, made.api_secret];
    for (const env of w.envs) expect((await decide(key, 'upload:upload', env.cloud_name)).allowed).toBe(false);
    expect((await decide(key, 'provisioning:access_keys.create', w.envs[1].cloud_name)).allowed).toBe(false);
    expect((await call('get', `${w.a.base}/sub_accounts/${w.envs[1].id}/access_keys`, key)).status).toBe(403);
    // What it may do on the account, the maker may do too.
    expect((await decide(key, 'provisioning:account_api_keys.read')).allowed).toBe(true);
  });

  test(
    'a user limited to one environment sees users in full, ' + "but only its environments of another user's reach, and no audit log",
    async () => {
      const w = await world();
      const reports = await person(w, { role: 'reports', sub_account_ids: [w.envs[0].id] });
      const admin = await person(w, { role: 'admin', sub_account_ids: [w.envs[0].id] });
      expect((await call('get', `${w.a.base}/users`, admin.key)).status).toBe(200);
      expect((await call('get', `${w.a.base}/user_groups`, admin.key)).status).toBe(200);
      const boss = ok(await call('get', `${w.a.base}/users`, w.a.auth)).users.find((u: Json) => u.id !== reports.id && u.id !== admin.id);
      const everywhere = boss ?? (await person(w, { role: 'technical_admin' }));
      const seen = ok(await call('get', `${w.a.base}/users/${everywhere.id}/sub_accounts`, admin.key)).sub_accounts.map((e: Json) => e.id);
      expect(seen).toEqual([w.envs[0].id]);
      expectErrorMessage(
        await call('get', `${w.a.base}/audit_events`, reports.key),
        403,
        'Not allowed: provisioning:audit_events.read across product environments: the caller reaches only some of them',
      );
    },
  );
});

describe('the other findings', () => {
  test("a key that may update user keys does not set another user's narrowed key to everything", async () => {
    const w = await world();
    const editor = await accountKey(w, [allow('provisioning:user_api_keys.update', 'upload:upload')]);
    const tech = await person(w, { role: 'technical_admin' });
    await narrow(w, tech.id, tech.apiKey, [allow('upload:upload')]);
    await unchanged(w, async () =>
      refused(
        await call('put', `${w.a.base}/users/${tech.id}/api_keys/${tech.apiKey}/permissions`, editor, { rules: [allow('*')] }),
        'provisioning:account.read',
      ),
    );
  });

  test('an admin does not delete or disable a master admin, even one who is not the last', async () => {
    const w = await world();
    const admin = await person(w, { role: 'admin' });
    const [boss] = [await person(w, { role: 'master_admin' }), await person(w, { role: 'master_admin' })];
    await unchanged(w, async () => {
      refused(await call('delete', `${w.a.base}/users/${boss.id}`, admin.key), 'provisioning:account_api_keys.create');
      refused(await call('put', `${w.a.base}/users/${boss.id}`, admin.key, { enabled: false }), 'provisioning:account_api_keys.create');
      refused(await call('put', `${w.a.base}/users/${boss.id}`, admin.key, { name: 'Renamed' }), 'provisioning:account_api_keys.create');
      refused(
        await call('delete', `${w.a.base}/users/${boss.id}/api_keys/${boss.apiKey}`, admin.key),
        'provisioning:account_api_keys.create',
      );
    });
    // A master admin may.
    ok(await call('delete', `${w.a.base}/users/${boss.id}`, w.a.auth));
  });

  test('a user key whose own rules deny everything edits neither its own settings nor a sibling an admin disabled', async () => {
    const w = await world();
    const me = await person(w, { role: 'technical_admin' });
    const own = `${w.a.base}/users/${me.id}/api_keys/${me.apiKey}`;
    ok(
      await call('put', own, w.a.auth, {
        allowed_ips: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
        rate_limit_per_minute: 1000,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    await narrow(w, me.id, me.apiKey, [deny('*')]);
    const sibling = ok(await call('post', `${w.a.base}/users/${me.id}/api_keys`, w.a.auth, { name: 'sibling' }));
    ok(await call('put', `${w.a.base}/users/${me.id}/api_keys/${sibling.api_key}`, w.a.auth, { enabled: false }));
    await unchanged(w, async () => {
      for (const body of [{ allowed_ips: 'any' }, { rate_limit_per_minute: 0 }, { expires_at: 'never' }]) {
        expectErrorMessage(await call('put', own, me.key, body), 403, 'Not allowed: provisioning:own_api_keys.update');
      }
      expectErrorMessage(
        await call('put', `${w.a.base}/users/${me.id}/api_keys/${sibling.api_key}`, me.key, { enabled: true }),
        403,
        'Not allowed: provisioning:own_api_keys.update',
      );
    });
  });
});

describe('what a caller may not read directly, it does not learn through another route', () => {
  test('simulation needs the right to read the simulated key, where it is', async () => {
    const w = await world();
    const tech = await person(w, { role: 'technical_admin', sub_account_ids: [w.envs[0].id] });
    const boss = await person(w, { role: 'master_admin' });
    const simulate = (api_key: string, cloud_name?: string) =>
      call('post', `${w.a.base}/permissions/simulate`, tech.key, {
        api_key,
        action: 'upload:upload',
        ...(cloud_name ? { cloud_name } : {}),
      });
    expectErrorMessage(
      await simulate(w.envs[1].root[0]),
      403,
      `Not allowed: provisioning:access_keys.permissions.read in product environment ${w.envs[1].id}`,
    );
    expectErrorMessage(await simulate(w.a.api_key), 403, 'Not allowed: provisioning:account_api_keys.permissions.read');
    expectErrorMessage(await simulate(boss.apiKey), 403, 'Not allowed: provisioning:user_api_keys.read');
    expect(ok(await simulate(w.envs[0].root[0]))).toMatchObject({ allowed: true, environment: { id: w.envs[0].id } });
    // Its own key, yes; but not in an environment it does not reach.
    expect(ok(await simulate(tech.apiKey, w.envs[0].cloud_name))).toMatchObject({ allowed: true });
    expectErrorMessage(
      await simulate(tech.apiKey, w.envs[1].cloud_name),
      403,
      `Not allowed: provisioning:permissions.simulate in product environment ${w.envs[1].id}`,
    );
  });

  test('copying a base environment needs the right to read it', async () => {
    const w = await world();
    ok(await call('put', `${w.a.base}/sub_accounts/${w.envs[0].id}`, w.a.auth, { custom_attributes: { secret_team: 'x' } }));
    const creator = await accountKey(w, [allow('provisioning:sub_accounts.create')]);
    await unchanged(w, async () =>
      expectErrorMessage(
        await call('post', `${w.a.base}/sub_accounts`, creator, {
          name: 'Copy',
          cloud_name: uniqueCloudName('esc'),
          base_sub_account_id: w.envs[0].id,
        }),
        403,
        'Not allowed: provisioning:sub_accounts.read',
      ),
    );
  });
});

describe('the check reads the caller afresh, in its own transaction', () => {
  test(
    'a caller demoted where this instance has not heard of it yet (another instance, no Redis) ' + 'grants only what it holds now',
    async () => {
      const w = await world();
      const admin = await person(w, { role: 'admin' });
      // Warm the verification cache with the admin, then demote it behind the cache's back, as another instance would.
      expect((await call('get', `${w.a.base}/users`, admin.key)).status).toBe(200);
      await server.app
        .get(DataSource)
        .getRepository(UserEntity)
        .update({ accountId: w.a.account_id, id: admin.id }, { role: 'media_library_user' });
      await unchanged(w, async () =>
        refused(
          await call('post', `${w.a.base}/users`, admin.key, { name: 'Helper', email: `h${next()}@example.com`, role: 'admin' }),
          'provisioning:account.read',
        ),
      );
    },
  );

  test('a caller disabled meanwhile grants nothing', async () => {
    const w = await world();
    const admin = await person(w, { role: 'admin' });
    expect((await call('get', `${w.a.base}/users`, admin.key)).status).toBe(200);
    await server.app.get(DataSource).getRepository(UserEntity).update({ accountId: w.a.account_id, id: admin.id }, { enabled: false });
    await unchanged(w, async () =>
      refused(
        await call('post', `${w.a.base}/users`, admin.key, { name: 'Helper', email: `h${next()}@example.com`, role: 'billing' }),
        'provisioning:account.read',
      ),
    );
  });
});

import { DataSource } from 'typeorm';
import { newRecordId, uniquenessKey } from '@castellan/core';
import { RoleAssignmentEntity } from '../libs/people/src/roles/role-assignment.entity.js';
import { RoleEntity } from '../libs/people/src/roles/role.entity.js';
import { UserEntity } from '../libs/people/src/users/user.entity.js';
import { ISO_SECONDS, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { bind, Credentials, expectErrorMessage, expectUnauthorized, Form, Json, Method, ok, Payload, UNKNOWN_ID } from './support/http.js';
import { as, Cloudinary, listen, loadCloudinarySdk, rejectionOf } from './support/sdk.js';

// Users (`/users`) over real HTTP, and through the official SDK. Every test that looks at a list or at the
// master-admin invariant works in accounts of its own. What no route sets yet (pending, last_login, the
// creation time, custom roles) is set in the database directly.

let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startServer();
  port = await listen(server);
});
afterAll(async () => {
  delete process.env.CLOUDINARY_ACCOUNT_URL;
  await server.close();
});
const { call } = bind(() => server);

// ---------------------------------------------------------------------------------------------- helpers

const USER_FIELDS = [
  'id',
  'name',
  'email',
  'role',
  'enabled',
  'pending',
  'sub_account_ids',
  'all_sub_accounts',
  'custom_roles',
  'last_login',
  'created_at',
  'updated_at',
];

const users = (a: TestAccount): string => `${a.base}/users`;
const member = (a: TestAccount, id: string): string => `${users(a)}/${id}`;

let counter = 0;
/** A unique email, so that users never collide by accident. */
const email = (local = 'user'): string => `${local}.${Date.now().toString(36)}.${counter++}@example.com`;
const person = (extra: Record<string, unknown> = {}) => ({ name: `Person ${counter}`, email: email(), ...extra });

const create = async (a: TestAccount, payload: Payload): Promise<Json> => ok(await call('post', users(a), a.auth, payload));
const read = async (a: TestAccount, id: string): Promise<Json> => ok(await call('get', member(a, id), a.auth));
const list = async (a: TestAccount, query = ''): Promise<Json> => ok(await call('get', users(a), a.auth).query(query));
const listIds = async (a: TestAccount, query = ''): Promise<string[]> => (await list(a, query)).users.map((u: Json) => u.id);
const environment = async (a: TestAccount, name = 'Env'): Promise<Json> =>
  ok(await call('post', `${a.base}/sub_accounts`, a.auth, { name, cloud_name: uniqueCloudName('u') }));

const db = (): DataSource => server.app.get(DataSource);
/** Sets columns no route sets (pending, last_login, created_at). */
const setUser = (id: string, patch: Partial<UserEntity>) => db().getRepository(UserEntity).update({ id }, patch);
/** A custom role of the account, made in the database (its routes belong to another part). */
async function customRole(a: TestAccount, name = `role-${counter++}`): Promise<string> {
  const now = new Date();
  const id = newRecordId();
  await db()
    .getRepository(RoleEntity)
    .insert({
      id,
      accountId: a.account_id,
      name,
      nameKey: uniquenessKey(name),
      description: null,
      rules: [],
      createdAt: now,
      updatedAt: now,
    });
  return id;
}

// ------------------------------------------------------------------------------- credentials, per route

interface Guarded {
  owner: TestAccount;
  intruder: TestAccount;
  user: Json;
  envKey: Credentials;
  before: Json;
}
let guarded: Guarded;
beforeAll(async () => {
  const [owner, intruder] = [await server.newAccount('Owner'), await server.newAccount('Intruder')];
  const env = await environment(owner, 'Guarded');
  const user = await create(owner, person({ role: 'admin' }));
  guarded = { owner, intruder, user, envKey: [env.api_access_keys[0].key, env.api_access_keys[0].secret], before: await list(owner) };
});

interface Route {
  method: Method;
  path: (g: Guarded) => string;
  payload?: () => Payload;
  permission: string;
}

const ROUTES: [string, Route][] = [
  ['GET /users', { method: 'get', path: (g) => users(g.owner), permission: 'provisioning:users.read' }],
  ['POST /users', { method: 'post', path: (g) => users(g.owner), payload: () => person(), permission: 'provisioning:users.create' }],
  ['GET /users/:id', { method: 'get', path: (g) => member(g.owner, g.user.id), permission: 'provisioning:users.read' }],
  [
    'PUT /users/:id',
    {
      method: 'put',
      path: (g) => member(g.owner, g.user.id),
      payload: () => ({ name: 'Hijacked' }),
      permission: 'provisioning:users.update',
    },
  ],
  ['DELETE /users/:id', { method: 'delete', path: (g) => member(g.owner, g.user.id), permission: 'provisioning:users.delete' }],
  [
    'GET /users/:id/sub_accounts',
    { method: 'get', path: (g) => `${member(g.owner, g.user.id)}/sub_accounts`, permission: 'provisioning:users.read' },
  ],
];

const BAD_CREDENTIALS: [string, (g: Guarded) => Credentials | undefined][] = [
  ['no credentials', () => undefined],
  ["another account's valid key", (g) => g.intruder.auth],
  ["the account's key with another account's secret", (g) => [g.owner.api_key, g.intruder.api_secret]],
  ['an unknown key', (g) => ['999999999999999', g.owner.api_secret]],
];

describe.each(ROUTES)('access rules of %s', (_, route) => {
  const send = (credentials: Credentials | undefined) => call(route.method, route.path(guarded), credentials, route.payload?.());

  test.each(BAD_CREDENTIALS)('401 with %s, and nothing changes', async (_, credentials) => {
    const res = await send(credentials(guarded));
    expectUnauthorized(res);
    expect(await list(guarded.owner)).toEqual(guarded.before);
  });

  test(`403 for a product environment's key (needs ${route.permission}), and nothing changes`, async () => {
    expectErrorMessage(await send(guarded.envKey), 403, `Not allowed: ${route.permission}`);
    expect(await list(guarded.owner)).toEqual(guarded.before);
  });
});

/** A user id the caller's account does not have, and a check that its owner (if any) still has it unchanged. */
const MISSING_IDS: [string, () => Promise<{ id: string; expectUntouched: () => Promise<void> }>][] = [
  ['an id no user has', async () => ({ id: UNKNOWN_ID, expectUntouched: async () => undefined })],
  [
    "another account's user",
    async () => {
      const owner = await server.newAccount();
      const user = await create(owner, person({ role: 'master_admin' }));
      return { id: user.id, expectUntouched: async () => expect(await read(owner, user.id)).toEqual(user) };
    },
  ],
];

describe.each<[string, Method, string, Payload | undefined]>([
  ['GET /users/:id', 'get', '', undefined],
  ['PUT /users/:id', 'put', '', { name: 'Hijacked', enabled: false }],
  ['DELETE /users/:id', 'delete', '', undefined],
  ['GET /users/:id/sub_accounts', 'get', '/sub_accounts', undefined],
])('404s of %s', (_, method, suffix, payload) => {
  test.each(MISSING_IDS)('404 for %s, and nothing changes', async (_, missing) => {
    const [a, target] = [await server.newAccount(), await missing()];
    const bystander = await create(a, person());
    expectErrorMessage(await call(method, `${member(a, target.id)}${suffix}`, a.auth, payload), 404, `User ${target.id} not found`);
    expect((await list(a)).users).toEqual([bystander]);
    await target.expectUntouched();
  });
});

// ------------------------------------------------------------------------------------------ POST /users

describe('POST /users', () => {
  test('creates a pending, enabled user of every environment with the least privileged role by default', async () => {
    const a = await server.newAccount();
    const input = person();
    const user = await create(a, input);
    expect(Object.keys(user)).toEqual(USER_FIELDS);
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: input.name,
      email: input.email,
      role: 'media_library_user',
      enabled: true,
      pending: true,
      sub_account_ids: [],
      all_sub_accounts: true,
      custom_roles: [],
      last_login: null,
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: user.created_at,
    });
    expect(await read(a, user.id)).toEqual(user);
  });

  test('stores every given field; environments and custom roles come back sorted', async () => {
    const a = await server.newAccount();
    const envs = [await environment(a), await environment(a)];
    const roles = [await customRole(a), await customRole(a)];
    const user = await create(
      a,
      person({
        name: 'Full',
        role: 'technical_admin',
        enabled: false,
        sub_account_ids: envs.map((e) => e.id).reverse(),
        custom_roles: roles,
      }),
    );
    expect(user).toMatchObject({
      name: 'Full',
      role: 'technical_admin',
      enabled: false,
      pending: true,
      all_sub_accounts: false,
      sub_account_ids: envs.map((e) => e.id).sort(),
      custom_roles: [...roles].sort(),
    });
    expect(await read(a, user.id)).toEqual(user);
    const held = await db()
      .getRepository(RoleAssignmentEntity)
      .find({ where: { holderId: user.id } });
    expect(held.map((r) => [r.roleId, r.holderType, r.accountId]).sort()).toEqual(roles.sort().map((r) => [r, 'user', a.account_id]));
  });

  test('accepts a form body with repeated sub_account_ids and enabled as text', async () => {
    const a = await server.newAccount();
    const [e1, e2] = [await environment(a), await environment(a)];
    const mail = email();
    const user = await create(
      a,
      new Form(`name=Form&email=${encodeURIComponent(mail)}&role=billing&enabled=false&sub_account_ids=${e1.id}&sub_account_ids=${e2.id}`),
    );
    expect(user).toMatchObject({ name: 'Form', email: mail, role: 'billing', enabled: false, sub_account_ids: [e1.id, e2.id].sort() });
  });

  test('treats "" and null as not given', async () => {
    const a = await server.newAccount();
    const user = await create(a, person({ role: '', sub_account_ids: null, enabled: '', custom_roles: null, all_sub_accounts: '' }));
    expect(user).toMatchObject({
      role: 'media_library_user',
      enabled: true,
      all_sub_accounts: true,
      sub_account_ids: [],
      custom_roles: [],
    });
  });

  test('ignores sub_account_ids for a master_admin, who reaches every environment', async () => {
    const a = await server.newAccount();
    const env = await environment(a);
    const user = await create(a, person({ role: 'master_admin', sub_account_ids: [env.id] }));
    expect(user).toMatchObject({ role: 'master_admin', all_sub_accounts: true, sub_account_ids: [] });
  });

  test('all_sub_accounts=false without environments makes a user who reaches none', async () => {
    const a = await server.newAccount();
    await environment(a);
    const user = await create(a, person({ all_sub_accounts: false }));
    expect(user).toMatchObject({ all_sub_accounts: false, sub_account_ids: [] });
    expect(ok(await call('get', `${member(a, user.id)}/sub_accounts`, a.auth))).toEqual({ sub_accounts: [] });
  });

  describe('refusals: nothing is created', () => {
    let a: TestAccount;
    let foreign: { env: Json; role: string };
    beforeAll(async () => {
      a = await server.newAccount();
      const other = await server.newAccount();
      foreign = { env: await environment(other), role: await customRole(other) };
    });
    afterEach(async () => expect(await list(a)).toEqual({ users: [], total: 0 }));

    const long = (n: number) => 'x'.repeat(n);
    test.each<[string, () => Payload]>([
      ['no name', () => ({ email: email() })],
      ['a blank name', () => ({ name: '  ', email: email() })],
      ['no email', () => ({ name: 'No mail' })],
      ['an invalid email', () => person({ email: 'not-an-email' })],
      ['an email without a domain', () => person({ email: 'user@' })],
      ['an email over 255 characters', () => person({ email: `${long(250)}@example.com` })],
      ['a name over 255 characters', () => person({ name: long(256) })],
      ['an unknown role', () => person({ role: 'superuser' })],
      ['enabled=maybe', () => person({ enabled: 'maybe' })],
      ['101 sub_account_ids', () => person({ sub_account_ids: Array.from({ length: 101 }, (_, i) => `e${i}`) })],
      ['101 custom_roles', () => person({ custom_roles: Array.from({ length: 101 }, (_, i) => `r${i}`) })],
      ['sub_account_ids together with all_sub_accounts=true', () => person({ sub_account_ids: [UNKNOWN_ID], all_sub_accounts: true })],
      ['an invalid email in a form body', () => new Form('name=Form&email=nope')],
    ])('400 for %s', async (_, payload) => {
      expectErrorMessage(await call('post', users(a), a.auth, payload()), 400);
    });

    const noEnvironment = (id: string): [Payload, string] => [person({ sub_account_ids: [id] }), `Cannot find sub account with id ${id}`];
    const noRole = (id: string): [Payload, string] => [person({ custom_roles: [id] }), `Custom role ${id} not found`];
    test.each<[string, () => [Payload, string]]>([
      ['an unknown environment', () => noEnvironment(UNKNOWN_ID)],
      ["another account's environment", () => noEnvironment(foreign.env.id)],
      ['an unknown custom role', () => noRole(UNKNOWN_ID)],
      ["another account's custom role", () => noRole(foreign.role)],
    ])('404 for %s, naming it', async (_, refused) => {
      const [payload, message] = refused();
      expectErrorMessage(await call('post', users(a), a.auth, payload), 404, message);
    });
  });

  describe('emails are unique per account, ignoring case', () => {
    test.each([
      ['the same email', (e: string) => e],
      ['the email in other case', (e: string) => e.toUpperCase()],
    ])('409 for %s, and nothing created', async (_, spell) => {
      const a = await server.newAccount();
      const first = await create(a, person());
      expectErrorMessage(
        await call('post', users(a), a.auth, person({ email: spell(first.email) })),
        409,
        expect.stringContaining('already exists'),
      );
      expect((await list(a)).users).toEqual([first]);
    });

    test('another account may use the same email', async () => {
      const [a, b] = [await server.newAccount(), await server.newAccount()];
      const first = await create(a, person());
      expect((await create(b, person({ email: first.email.toUpperCase() }))).email).toBe(first.email.toUpperCase());
    });

    test('two parallel creates with one email: one succeeds, the other gets 409', async () => {
      const a = await server.newAccount();
      const mail = email();
      const results = await Promise.all([mail, mail.toUpperCase()].map((m) => call('post', users(a), a.auth, person({ email: m }))));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await list(a)).total).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------------------- PUT /users/:id

describe('PUT /users/:id', () => {
  async function subject(extra: Record<string, unknown> = {}) {
    const a = await server.newAccount();
    const envs = [await environment(a), await environment(a)];
    const roles = [await customRole(a), await customRole(a)];
    const user = await create(a, person({ role: 'admin', sub_account_ids: [envs[0].id], custom_roles: [roles[0]], ...extra }));
    return { a, envs, roles, user };
  }

  test('changes every field; the answer matches later reads', async () => {
    const { a, envs, roles, user } = await subject();
    const changes = { name: 'Renamed', email: email('renamed'), role: 'reports', enabled: false };
    const updated = ok(
      await call('put', member(a, user.id), a.auth, { ...changes, sub_account_ids: [envs[1].id], custom_roles: [roles[1]] }),
    );
    expect(updated).toEqual({
      ...user,
      ...changes,
      sub_account_ids: [envs[1].id],
      custom_roles: [roles[1]],
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(await read(a, user.id)).toEqual(updated);
  });

  test.each<[string, Payload]>([
    ['an empty JSON body', {}],
    [
      'JSON with "" and null',
      { name: '', email: null, role: '', enabled: null, sub_account_ids: '', custom_roles: null, all_sub_accounts: '' },
    ],
    ['a form with empty fields', new Form('name=&email=&role=&enabled=&sub_account_ids=&custom_roles=&all_sub_accounts=')],
  ])('treats empty values as not given (%s)', async (_, payload) => {
    const { a, user } = await subject();
    const updated = ok(await call('put', member(a, user.id), a.auth, payload));
    expect({ ...updated, updated_at: user.updated_at }).toEqual(user);
  });

  test('custom_roles=[] clears the custom roles; all_sub_accounts=true gives every environment back', async () => {
    const { a, user } = await subject();
    const updated = ok(await call('put', member(a, user.id), a.auth, { custom_roles: [], all_sub_accounts: true }));
    expect(updated).toMatchObject({ custom_roles: [], all_sub_accounts: true, sub_account_ids: [] });
  });

  test('promotion to master_admin reaches every environment, and stays so after a demotion', async () => {
    const { a, envs, user } = await subject();
    expect(ok(await call('put', member(a, user.id), a.auth, { role: 'master_admin' }))).toMatchObject({
      role: 'master_admin',
      all_sub_accounts: true,
      sub_account_ids: [],
    });
    await create(a, person({ role: 'master_admin' }));
    expect(ok(await call('put', member(a, user.id), a.auth, { role: 'billing' }))).toMatchObject({
      role: 'billing',
      all_sub_accounts: true,
      sub_account_ids: [],
    });
    expect(ok(await call('put', member(a, user.id), a.auth, { sub_account_ids: [envs[1].id] }))).toMatchObject({
      all_sub_accounts: false,
      sub_account_ids: [envs[1].id],
    });
  });

  test('keeps its own email in other case', async () => {
    const { a, user } = await subject();
    expect(ok(await call('put', member(a, user.id), a.auth, { email: user.email.toUpperCase() })).email).toBe(user.email.toUpperCase());
  });

  test('409 for the email of another user of the account, in any case, and nothing changes', async () => {
    const { a, user } = await subject();
    const other = await create(a, person());
    expectErrorMessage(await call('put', member(a, user.id), a.auth, { name: 'Changed', email: other.email.toUpperCase() }), 409);
    expect(await read(a, user.id)).toEqual(user);
  });

  const long = (n: number) => 'x'.repeat(n);
  test.each<[string, Payload, number]>([
    ['an invalid email', { name: 'Changed', email: 'nope' }, 400],
    ['an unknown role', { name: 'Changed', role: 'owner' }, 400],
    ['enabled=maybe', { name: 'Changed', enabled: 'maybe' }, 400],
    ['a name over 255 characters', { name: long(256) }, 400],
    ['sub_account_ids with all_sub_accounts=true', { name: 'Changed', sub_account_ids: [UNKNOWN_ID], all_sub_accounts: true }, 400],
    ['101 sub_account_ids', { sub_account_ids: Array.from({ length: 101 }, (_, i) => `e${i}`) }, 400],
    ['an unknown environment', { name: 'Changed', sub_account_ids: [UNKNOWN_ID] }, 404],
    ['an unknown custom role', { name: 'Changed', custom_roles: [UNKNOWN_ID] }, 404],
  ])('%s: %i and nothing changes', async (_, payload, status) => {
    const { a, user } = await subject();
    expectErrorMessage(await call('put', member(a, user.id), a.auth, payload), status);
    expect(await read(a, user.id)).toEqual(user);
  });
});

// ------------------------------------------------------------------------------------- DELETE /users/:id

describe('DELETE /users/:id', () => {
  test('deletes the user with its custom roles; a second delete is 404', async () => {
    const a = await server.newAccount();
    const [kept, doomed] = [
      await create(a, person()),
      await create(a, person({ custom_roles: [await customRole(a)], sub_account_ids: [(await environment(a)).id] })),
    ];
    expect(ok(await call('delete', member(a, doomed.id), a.auth))).toEqual({ message: 'ok' });
    expectErrorMessage(await call('get', member(a, doomed.id), a.auth), 404);
    expectErrorMessage(await call('delete', member(a, doomed.id), a.auth), 404);
    expect((await list(a)).users).toEqual([kept]);
    expect(
      await db()
        .getRepository(RoleAssignmentEntity)
        .count({ where: { holderId: doomed.id } }),
    ).toBe(0);
  });

  test('frees the email for a new user', async () => {
    const a = await server.newAccount();
    const user = await create(a, person());
    ok(await call('delete', member(a, user.id), a.auth));
    expect((await create(a, person({ email: user.email }))).email).toBe(user.email);
  });
});

// ------------------------------------------------------------------------------ GET /users/:id/sub_accounts

describe('GET /users/:id/sub_accounts', () => {
  test('lists the environments a user reaches: all of them for master admins and users of all environments', async () => {
    const a = await server.newAccount();
    const [e1, e2] = [await environment(a, 'First'), await environment(a, 'Second')];
    ok(await call('put', `${a.base}/sub_accounts/${e2.id}`, a.auth, { enabled: false, description: 'off' }));
    const shape = (e: Json, extra: Record<string, unknown> = {}) => ({
      id: e.id,
      name: e.name,
      description: e.description,
      cloud_name: e.cloud_name,
      enabled: e.enabled,
      ...extra,
    });
    const all = [shape(e1), shape(e2, { enabled: false, description: 'off' })];
    const reach = async (body: Record<string, unknown>) =>
      ok(await call('get', `${member(a, (await create(a, person(body))).id)}/sub_accounts`, a.auth));
    expect(await reach({ role: 'master_admin', all_sub_accounts: false })).toEqual({ sub_accounts: all });
    expect(await reach({})).toEqual({ sub_accounts: all });
    expect(await reach({ sub_account_ids: [e2.id] })).toEqual({ sub_accounts: [all[1]] });
  });

  test('an environment deleted later leaves the user', async () => {
    const a = await server.newAccount();
    const [e1, e2] = [await environment(a), await environment(a)];
    const user = await create(a, person({ sub_account_ids: [e1.id, e2.id] }));
    ok(await call('delete', `${a.base}/sub_accounts/${e1.id}`, a.auth));
    expect((await read(a, user.id)).sub_account_ids).toEqual([e2.id]);
  });
});

// ------------------------------------------------------------------------------ the master admin invariant

describe('an account keeps at least one enabled master_admin', () => {
  const LAST = /last enabled master_admin/;

  test.each<[string, Method, Payload | undefined]>([
    ['deleting', 'delete', undefined],
    ['disabling', 'put', { enabled: false }],
    ['demoting', 'put', { role: 'admin' }],
    ['disabling and renaming', 'put', { name: 'Renamed', enabled: false }],
  ])('%s the last one: 409, and nothing changes', async (_, method, payload) => {
    const a = await server.newAccount();
    const master = await create(a, person({ role: 'master_admin' }));
    const other = await create(a, person({ role: 'admin' }));
    await create(a, person({ role: 'master_admin', enabled: false }));
    const before = await list(a);
    expectErrorMessage(await call(method, member(a, master.id), a.auth, payload), 409, expect.stringMatching(LAST));
    expect(await list(a)).toEqual(before);
    expect(ok(await call('delete', member(a, other.id), a.auth))).toEqual({ message: 'ok' });
  });

  test('with two, one may go, and then the other is the last', async () => {
    const a = await server.newAccount();
    const [m1, m2] = [await create(a, person({ role: 'master_admin' })), await create(a, person({ role: 'master_admin' }))];
    ok(await call('put', member(a, m1.id), a.auth, { enabled: false }));
    expectErrorMessage(await call('delete', member(a, m2.id), a.auth), 409, expect.stringMatching(LAST));
    // Enabled again, m1 counts again, so m2 may be demoted; then m1 is the last.
    ok(await call('put', member(a, m1.id), a.auth, { enabled: true }));
    ok(await call('put', member(a, m2.id), a.auth, { role: 'technical_admin' }));
    expectErrorMessage(await call('put', member(a, m1.id), a.auth, { role: 'admin' }), 409, expect.stringMatching(LAST));
  });

  test('an account without master admins may change its other users freely', async () => {
    const a = await server.newAccount();
    const user = await create(a, person({ role: 'admin' }));
    ok(await call('put', member(a, user.id), a.auth, { enabled: false, role: 'billing' }));
    ok(await call('delete', member(a, user.id), a.auth));
  });

  test('a disabled master admin may be deleted; changes that keep a master admin enabled are allowed', async () => {
    const a = await server.newAccount();
    const master = await create(a, person({ role: 'master_admin' }));
    const disabled = await create(a, person({ role: 'master_admin', enabled: false }));
    ok(await call('put', member(a, master.id), a.auth, { name: 'Still master', enabled: true, role: 'master_admin' }));
    ok(await call('delete', member(a, disabled.id), a.auth));
  });

  describe.each<[string, [Method, Payload | undefined], [Method, Payload | undefined]]>([
    ['delete A ‖ demote B', ['delete', undefined], ['put', { role: 'admin' }]],
    ['disable A ‖ disable B', ['put', { enabled: false }], ['put', { enabled: false }]],
    ['delete A ‖ delete B', ['delete', undefined], ['delete', undefined]],
  ])('in parallel: %s', (_, [methodA, payloadA], [methodB, payloadB]) => {
    test('exactly one succeeds, the other gets 409, and one enabled master admin remains (5 rounds)', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await server.newAccount();
        const [m1, m2] = [await create(a, person({ role: 'master_admin' })), await create(a, person({ role: 'master_admin' }))];
        const results = await Promise.all([
          call(methodA, member(a, m1.id), a.auth, payloadA),
          call(methodB, member(a, m2.id), a.auth, payloadB),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        expectErrorMessage(
          results.find((r) => r.status === 409)!,
          409,
          expect.stringMatching(LAST),
        );
        const masters = (await list(a)).users.filter((u: Json) => u.role === 'master_admin' && u.enabled);
        expect(masters).toHaveLength(1);
      }
    });
  });
});

// ------------------------------------------------------------------------------------------- GET /users

describe('GET /users', () => {
  test('an account without users gets an empty list', async () => {
    const a = await server.newAccount();
    expect(await list(a)).toEqual({ users: [], total: 0 });
  });

  describe('filters', () => {
    let a: TestAccount;
    let f: Record<string, Json>;
    let env: { mine: Json; other: Json; foreign: Json };
    let foreignUser: Json;
    const day = (d: string, time = '12:00:00') => new Date(`${d}T${time}.000Z`);

    // [key, name, email local part, role, environments, pending, last_login], created one second apart in this order.
    const USERS: [string, string, string, string, 'all' | 'mine' | 'other', boolean, Date | null][] = [
      ['alice', 'Alice Smith', 'alice', 'master_admin', 'other', false, day('2026-03-01', '00:00:00')],
      ['bob', 'Bob', 'robert', 'admin', 'all', false, day('2026-03-02', '23:59:59')],
      ['carol', 'carol', 'zz.carol', 'billing', 'mine', true, null],
      ['dave', '50% Dave', 'dave', 'reports', 'other', true, null],
      ['erin', 'Erin_X', 'erinx', 'media_library_user', 'mine', false, day('2026-03-05')],
      ['frank', 'Frank', 'al.frank', 'technical_admin', 'other', false, day('2026-02-28', '23:59:59')],
    ];
    const ALL = USERS.map(([k]) => k);

    beforeAll(async () => {
      a = await server.newAccount();
      env = {
        mine: await environment(a, 'Mine'),
        other: await environment(a, 'Other'),
        foreign: await environment(await server.newAccount(), 'Foreign'),
      };
      f = {};
      let i = 0;
      for (const [key, name, local, role, reach, pending, lastLogin] of USERS) {
        const body: Record<string, unknown> = { name, email: `${local}.${counter++}@example.com`, role };
        if (reach !== 'all') body.sub_account_ids = [env[reach].id];
        const user = await create(a, body);
        await setUser(user.id, { pending, lastLogin, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i++)) });
        f[key] = await read(a, user.id);
      }
      foreignUser = await create(await server.newAccount(), person({ name: 'Alice foreign' }));
    });

    const ids = (...keys: string[]) => keys.map((k) => f[k].id);
    const q = (text: string) => () => text;

    test('the list shows users as GET by id does, oldest first, with the total', async () => {
      const body = await list(a);
      expect(body).toEqual({ users: ALL.map((k) => f[k]), total: ALL.length });
      expect(Object.keys(body.users[0])).toEqual(USER_FIELDS);
      expect(f.alice.last_login).toBe('2026-03-01T00:00:00Z');
    });

    test.each<[string, () => string, string[]]>([
      ['no filter', q(''), ALL],
      ['the SDK’s empty values', q('pending=&prefix=&sub_account_id=&last_login=&from=&to='), ALL],
      ['ids repeated', () => `ids=${f.dave.id}&ids=${f.bob.id}`, ['bob', 'dave']],
      ['ids with brackets', () => `ids[]=${f.dave.id}&ids[]=${f.bob.id}`, ['bob', 'dave']],
      ['ids comma-joined', () => `ids=${f.dave.id},${f.bob.id}`, ['bob', 'dave']],
      ["another account's user id", () => `ids=${foreignUser.id}`, []],
      ['emails, ignoring case', () => `emails=${f.carol.email.toUpperCase()}&emails[]=${f.erin.email}`, ['carol', 'erin']],
      ['emails comma-joined', () => `emails=${f.carol.email},${f.erin.email}`, ['carol', 'erin']],
      ["another account's email", () => `emails=${foreignUser.email}`, []],
      ['pending=true', q('pending=true'), ['carol', 'dave']],
      ['pending=false', q('pending=false'), ['alice', 'bob', 'erin', 'frank']],
      ['pending together with ids (as Cloudinary does)', () => `pending=false&ids=${f.carol.id},${f.bob.id}`, ['bob']],
      ['a prefix of the name, ignoring case', q('prefix=ALICE'), ['alice']],
      ['a prefix of the name or the email', q('prefix=al'), ['alice', 'frank']],
      ['a prefix of the email only', q('prefix=robert'), ['bob']],
      ['a prefix with a literal %', q(`prefix=${encodeURIComponent('50%')}`), ['dave']],
      ['a prefix with a literal _', q('prefix=erin_'), ['erin']],
      ['a prefix nothing matches', q('prefix=zzzz'), []],
      [
        'sub_account_id: listed users, users of all environments and master admins',
        () => `sub_account_id=${env.mine.id}`,
        ['alice', 'bob', 'carol', 'erin'],
      ],
      ['sub_account_id of the other environment', () => `sub_account_id=${env.other.id}`, ['alice', 'bob', 'dave', 'frank']],
      ['last_login=true', q('last_login=true'), ['alice', 'bob', 'erin', 'frank']],
      ['last_login=false', q('last_login=false'), ['carol', 'dave']],
      ['last_login=true within inclusive days', q('last_login=true&from=2026-03-01&to=2026-03-02'), ['alice', 'bob']],
      ['last_login=true on one day', q('last_login=true&from=2026-03-05&to=2026-03-05'), ['erin']],
      ['last_login=true from a day on', q('last_login=true&from=2026-03-02'), ['bob', 'erin']],
      ['last_login=true up to a day', q('last_login=true&to=2026-03-01'), ['alice', 'frank']],
      [
        'last_login=false within days: not logged in then',
        q('last_login=false&from=2026-03-01&to=2026-03-02'),
        ['carol', 'dave', 'erin', 'frank'],
      ],
      ['from and to without last_login apply to nothing', q('from=2026-03-01&to=2026-03-01'), ALL],
      ['prefix (of the email) AND pending', q('prefix=d&pending=true'), ['dave']],
      ['prefix AND pending, nothing left', q('prefix=b&pending=true'), []],
      [
        'sub_account_id AND pending AND last_login',
        () => `sub_account_id=${env.mine.id}&pending=false&last_login=true&from=2026-03-01`,
        ['alice', 'bob', 'erin'],
      ],
      ['ids AND prefix', () => `ids=${f.alice.id},${f.bob.id}&prefix=b`, ['bob']],
      ['emails AND sub_account_id', () => `emails=${f.dave.email},${f.carol.email}&sub_account_id=${env.other.id}`, ['dave']],
    ])('%s', async (_, query, expected) => {
      const body = await list(a, query());
      expect(body.users.map((u: Json) => u.id)).toEqual(ids(...expected));
      expect(body.total).toBe(expected.length);
    });

    test.each<[string, () => string]>([
      ['an unknown id', q(`sub_account_id=${UNKNOWN_ID}`)],
      ["another account's environment", () => `sub_account_id=${env.foreign.id}`],
    ])('sub_account_id of %s: 404 naming it', async (_, query) => {
      const id = new URLSearchParams(query()).get('sub_account_id');
      expectErrorMessage(await call('get', users(a), a.auth).query(query()), 404, `Cannot find sub account with id ${id}`);
    });

    const many = (field: string, count: number, sep = '&') =>
      field.endsWith('=')
        ? `${field}${Array.from({ length: count }, (_, i) => `x${i}`).join(',')}`
        : Array.from({ length: count }, (_, i) => `${field}=x${i}`).join(sep);
    test.each([
      ['pending=maybe', 'pending=maybe'],
      ['last_login=sometimes', 'last_login=sometimes'],
      ['101 ids repeated', many('ids', 101)],
      ['101 ids with brackets', many('ids[]', 101)],
      ['101 ids comma-joined', many('ids=', 101)],
      ['101 emails', many('emails', 101)],
      ['a from that is not a date', 'last_login=true&from=yesterday'],
      ['a from in another format', 'last_login=true&from=01-03-2026'],
      ['a day the calendar lacks', 'last_login=true&to=2026-02-30'],
      ['from after to', 'last_login=true&from=2026-03-02&to=2026-03-01'],
      ['an unknown sort_by', 'sort_by=email'],
      ['an unknown sort_order', 'sort_order=up'],
      ['page_size=0', 'page_size=0'],
      ['page_size=1001', 'page_size=1001'],
      ['page=0', 'page=0'],
      ['page=abc', 'page=abc'],
    ])('400 for %s', async (_, query) => {
      expectErrorMessage(await call('get', users(a), a.auth).query(query), 400);
    });

    test('100 ids are allowed', async () => {
      const hundred = [f.bob.id, ...Array.from({ length: 99 }, (_, i) => `x${i}`)];
      expect(await listIds(a, `ids=${hundred.join(',')}`)).toEqual([f.bob.id]);
    });

    describe('sorting and paging', () => {
      test.each<[string, string, string[]]>([
        ['default: created_at asc', '', ALL],
        ['created_at desc', 'sort_by=created_at&sort_order=desc', [...ALL].reverse()],
        ['name asc, ignoring case', 'sort_by=name', ['dave', 'alice', 'bob', 'carol', 'erin', 'frank']],
        ['name desc', 'sort_by=name&sort_order=desc', ['frank', 'erin', 'carol', 'bob', 'alice', 'dave']],
        ['role: most privileged first', 'sort_by=role', ['alice', 'bob', 'frank', 'carol', 'dave', 'erin']],
        ['role desc', 'sort_by=role&sort_order=desc', ['erin', 'dave', 'carol', 'frank', 'bob', 'alice']],
        ['status: active, then pending (then disabled)', 'sort_by=status', ['alice', 'bob', 'erin', 'frank', 'carol', 'dave']],
        ['activity: never, then the oldest login', 'sort_by=activity', ['carol', 'dave', 'frank', 'alice', 'bob', 'erin']],
        ['activity desc: the latest login first', 'sort_by=activity&sort_order=desc', ['erin', 'bob', 'alice', 'frank', 'dave', 'carol']],
      ])('%s', async (_, query, expected) => {
        expect(await listIds(a, query)).toEqual(ids(...expected));
      });

      test('a disabled user sorts after pending ones by status', async () => {
        const b = await server.newAccount();
        const [disabled, pending, active] = [
          await create(b, person({ enabled: false })),
          await create(b, person()),
          await create(b, person()),
        ];
        await setUser(active.id, { pending: false });
        await setUser(disabled.id, { pending: false });
        expect(await listIds(b, 'sort_by=status')).toEqual([active.id, pending.id, disabled.id]);
      });

      test('pages walk the whole list without overlap; total counts every page', async () => {
        const pages = [];
        for (const page of [1, 2, 3, 4]) pages.push(await list(a, `sort_by=name&page_size=2&page=${page}`));
        expect(pages.map((p) => p.total)).toEqual([6, 6, 6, 6]);
        expect(pages.flatMap((p) => p.users.map((u: Json) => u.id))).toEqual(ids('dave', 'alice', 'bob', 'carol', 'erin', 'frank'));
        expect(pages[3].users).toEqual([]);
      });

      test('paging applies after the filters', async () => {
        expect(await list(a, 'pending=false&page_size=3&page=2&sort_order=desc')).toEqual({ users: [f.alice], total: 4 });
      });
    });
  });
});

// ------------------------------------------------------------------------------------------ the SDK

describe('the official SDK', () => {
  let sdk: Cloudinary['provisioning']['account'];
  let a: TestAccount;
  const opts = () => as(a);

  beforeAll(async () => {
    a = await server.newAccount('SDK account');
    sdk = (await loadCloudinarySdk(port, a)).provisioning.account;
  });

  test('create_user, user, update_user, users and delete_user', async () => {
    const env = await environment(a);
    const mail = email('sdk');
    const created = await sdk.create_user('SDK User', mail, 'billing', [env.id], opts());
    expect(created).toMatchObject({
      name: 'SDK User',
      email: mail,
      role: 'billing',
      pending: true,
      enabled: true,
      sub_account_ids: [env.id],
      all_sub_accounts: false,
    });
    await expect(sdk.user(created.id, opts())).resolves.toMatchObject({ id: created.id, email: mail });

    const updated = await sdk.update_user(created.id, 'Renamed', `renamed.${mail}`, 'admin', undefined, opts());
    expect(updated).toMatchObject({ id: created.id, name: 'Renamed', email: `renamed.${mail}`, role: 'admin', sub_account_ids: [env.id] });

    // users(pending, ids, prefix, sub_account_id, {lastLogin, fromDate, toDate}), as the SDK's integration tests use it.
    const idsOf = (r: { users: { id: string }[] }) => r.users.map((u) => u.id);
    expect(idsOf(await sdk.users(true, [created.id], undefined, undefined, opts()))).toEqual([created.id]);
    expect(idsOf(await sdk.users(false, [created.id], undefined, undefined, opts()))).toEqual([]);
    expect(idsOf(await sdk.users(undefined as unknown as boolean, undefined, 'renam', env.id, opts()))).toEqual([created.id]);
    const today = new Date().toISOString().slice(0, 10);
    const range = (lastLogin: boolean) => ({ ...opts(), lastLogin, fromDate: today, toDate: today });
    expect(idsOf(await sdk.users(undefined as unknown as boolean, [created.id], undefined, undefined, range(true)))).toEqual([]);
    expect(idsOf(await sdk.users(undefined as unknown as boolean, [created.id], undefined, undefined, range(false)))).toEqual([created.id]);

    expect(await sdk.delete_user(created.id, opts())).toEqual({ message: 'ok' });
    expect((await rejectionOf(sdk.user(created.id, opts()))).error).toMatchObject({
      http_code: 404,
      message: `User ${created.id} not found`,
    });
  });

  test('create_user without a role gets media_library_user; errors arrive as SDK rejections', async () => {
    const user = await sdk.create_user('No role', email('sdk'), undefined as unknown as string, undefined, opts());
    expect(user).toMatchObject({ role: 'media_library_user', all_sub_accounts: true });
    expect((await rejectionOf(sdk.create_user('Dup', user.email.toUpperCase(), 'admin', undefined, opts()))).error.http_code).toBe(409);
    expect((await rejectionOf(sdk.create_user('Bad', 'bad', 'admin', undefined, opts()))).error.http_code).toBe(400);
    expect((await rejectionOf(sdk.users(undefined as unknown as boolean, undefined, undefined, UNKNOWN_ID, opts()))).error).toMatchObject({
      http_code: 404,
      message: `Cannot find sub account with id ${UNKNOWN_ID}`,
    });
  });
});

import { expectUnchanged, ISO_SECONDS, startServer, TestAccount, TestServer } from './support/harness.js';
import {
  allow,
  bind,
  Credentials,
  deny,
  expectErrorMessage,
  expectUnauthorized,
  Form,
  Json,
  Method,
  ok,
  Payload,
  RawJson,
  Rule,
  twoAccounts,
  UNKNOWN_ID,
} from './support/http.js';
import { as, Cloudinary, listen, loadCloudinarySdk, rejectionOf } from './support/sdk.js';

// User groups (`/user_groups`) in Cloudinary's wire format, with its quirks (a form body on update, `{"ok":true}`
// on delete, `{"users":[...]}` from adding and removing members), the groups of a user, and what a group grants
// its members (`/permissions`: custom roles and rules), which nobody can make grant more than they hold.

let server: TestServer;
let a: TestAccount;
let other: TestAccount;
/** The first key of an environment of `a`: valid credentials that may hold no provisioning action. */
let envKey: Credentials;
let sdk: Cloudinary['provisioning']['account'];

beforeAll(async () => {
  server = await startServer();
  ({ owner: a, other, envKey } = await twoAccounts(server, ['Groups owner', 'Another account'], 'groups'));
  sdk = (await loadCloudinarySdk(await listen(server), a)).provisioning.account;
});
afterAll(async () => {
  delete process.env.CLOUDINARY_ACCOUNT_URL;
  await server?.close();
});
const { call } = bind(() => server);

const groups = (owner: TestAccount) => `${owner.base}/user_groups`;
const group = (owner: TestAccount, id: string) => `${groups(owner)}/${id}`;
const members = (owner: TestAccount, id: string) => `${group(owner, id)}/users`;
const membership = (owner: TestAccount, id: string, userId: string) => `${members(owner, id)}/${userId}`;
const permissions = (owner: TestAccount, id: string) => `${group(owner, id)}/permissions`;
const groupsOfUser = (owner: TestAccount, userId: string) => `${owner.base}/users/${userId}/groups`;

let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}`;
const newGroup = async (owner: TestAccount, name = unique('Group')): Promise<Json> =>
  ok(await call('post', groups(owner), owner.auth, { name }));
const newRole = async (owner: TestAccount, rules: Rule[]): Promise<Json> =>
  ok(await call('post', `${owner.base}/roles`, owner.auth, { name: unique('Role'), rules }));
const newUser = async (owner: TestAccount, name = unique('user')): Promise<{ id: string; name: string; email: string }> => {
  const user = ok(
    await call('post', `${owner.base}/users`, owner.auth, {
      name,
      email: `${name.replace(/\W/g, '_')}.${counter}@example.com`,
      role: 'reports',
    }),
  );
  return { id: user.id, name: user.name, email: user.email };
};
/** Everything about an account's groups that a request could change. */
const snapshot = async (owner: TestAccount): Promise<Json> => {
  const all = ok(await call('get', groups(owner), owner.auth).query({ extended_details: true })).user_groups;
  const grants = await Promise.all(all.map(async (g: Json) => ok(await call('get', permissions(owner, g.id), owner.auth))));
  return { all, grants };
};
const unchanged = (owner: TestAccount, attempt: () => Promise<void>): Promise<void> => expectUnchanged(() => snapshot(owner), attempt);
/** A refused grant names the action, then what would have held it. */
const notAllowed = (action: string) =>
  expect.stringMatching(new RegExp(`^Not allowed: ${action.replace(/[.*]/g, '\\$&')} is not held by the caller, and `));

/** An account key of `owner`, narrowed to `rules`. */
async function narrowedKey(owner: TestAccount, rules: Rule[]): Promise<Credentials> {
  const key = ok(await call('post', `${owner.base}/account_api_keys`, owner.auth, { name: unique('narrow') }));
  ok(await call('put', `${owner.base}/account_api_keys/${key.api_key}/permissions`, owner.auth, { rules }));
  return [key.api_key, key.api_secret];
}

// ------------------------------------------------------------------------------------ groups themselves

describe('creating, reading, renaming and deleting groups', () => {
  test('POST answers {id, name}; GET reads it, and extended_details adds users and timestamps', async () => {
    const created = await newGroup(a, 'Designers');
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'Designers' });
    expect(ok(await call('get', group(a, created.id), a.auth))).toEqual(created);
    const extended = ok(await call('get', group(a, created.id), a.auth).query('extended_details=true'));
    expect(extended).toEqual({ ...created, users: [], created_at: expect.stringMatching(ISO_SECONDS), updated_at: extended.created_at });
    expect(Object.keys(extended)).toEqual(['id', 'name', 'users', 'created_at', 'updated_at']);
    expect(ok(await call('get', group(a, created.id), a.auth).query('extended_details=false'))).toEqual(created);
  });

  test('the list holds the account’s groups, oldest first, in both shapes', async () => {
    const owner = await server.newAccount();
    expect(ok(await call('get', groups(owner), owner.auth))).toEqual({ user_groups: [] });
    const [first, second] = [await newGroup(owner, 'First'), await newGroup(owner, 'Second')];
    expect(ok(await call('get', groups(owner), owner.auth))).toEqual({ user_groups: [first, second] });
    const extended = ok(await call('get', groups(owner), owner.auth).query('extended_details=1')).user_groups;
    expect(extended).toEqual(
      [first, second].map((g) => ({
        ...g,
        users: [],
        created_at: expect.stringMatching(ISO_SECONDS),
        updated_at: expect.stringMatching(ISO_SECONDS),
      })),
    );
  });

  test.each<[string, Payload]>([
    ['a form body (as the SDK sends it)', new Form('name=Renamed%20by%20form')],
    ['a JSON body', { name: 'Renamed by JSON' }],
  ])('PUT renames with %s', async (_, payload) => {
    const created = await newGroup(a);
    const name = payload instanceof Form ? 'Renamed by form' : 'Renamed by JSON';
    expect(ok(await call('put', group(a, created.id), a.auth, payload))).toEqual({ id: created.id, name });
    expect(ok(await call('get', group(a, created.id), a.auth))).toEqual({ id: created.id, name });
  });

  test('DELETE answers {"ok":true}; the group, its memberships and its role assignments are gone', async () => {
    const created = await newGroup(a);
    const user = await newUser(a);
    ok(await call('post', membership(a, created.id, user.id), a.auth));
    const heldRole = await newRole(a, [allow('upload:upload')]);
    ok(await call('put', permissions(a, created.id), a.auth, { roles: [heldRole.id], rules: [] }));
    expect(ok(await call('delete', group(a, created.id), a.auth))).toEqual({ ok: true });
    expectErrorMessage(await call('get', group(a, created.id), a.auth), 404, `User group ${created.id} not found`);
    expect(ok(await call('get', groupsOfUser(a, user.id), a.auth))).toEqual({ groups: [] });
    expect(ok(await call('delete', `${a.base}/roles/${heldRole.id}`, a.auth))).toEqual({ message: 'ok' });
  });

  const INVALID_NAMES: [string, Payload, string][] = [
    ['no name', {}, 'name is required'],
    ['a blank name', { name: '   ' }, 'name is required'],
    ['an empty form body', new Form(''), 'name is required'],
    ['a name over 255 characters', { name: 'x'.repeat(256) }, 'name must be at most 255 characters'],
    ['a name that is not a string', { name: 12 }, 'name must be a string'],
    ['malformed JSON', new RawJson('{"name":'), 'Malformed JSON body'],
  ];

  test.each(INVALID_NAMES)('POST: 400 for %s, and nothing is created', async (_, payload, message) => {
    await unchanged(a, async () => expectErrorMessage(await call('post', groups(a), a.auth, payload), 400, message));
  });

  describe('PUT', () => {
    let target: Json;
    beforeAll(async () => (target = await newGroup(a, 'Stays named')));
    test.each(INVALID_NAMES)('400 for %s, and nothing changes', async (_, payload, message) => {
      await unchanged(a, async () => expectErrorMessage(await call('put', group(a, target.id), a.auth, payload), 400, message));
    });
  });

  test('400 for an extended_details that is not a boolean', async () => {
    expectErrorMessage(await call('get', groups(a), a.auth).query('extended_details=maybe'), 400, 'extended_details must be true or false');
  });
});

// ------------------------------------------------------------------------------------------------ members

describe('members', () => {
  test('add answers every member; adding twice changes nothing; list and remove answer the members left', async () => {
    const g = await newGroup(a);
    const [ann, bob] = [await newUser(a, 'Ann'), await newUser(a, 'Bob')];
    expect(ok(await call('get', members(a, g.id), a.auth))).toEqual({ users: [] });
    expect(ok(await call('post', membership(a, g.id, ann.id), a.auth))).toEqual({ users: [ann] });
    expect(ok(await call('post', membership(a, g.id, bob.id), a.auth))).toEqual({ users: [ann, bob] });
    expect(ok(await call('post', membership(a, g.id, ann.id), a.auth))).toEqual({ users: [ann, bob] });
    expect(ok(await call('get', members(a, g.id), a.auth))).toEqual({ users: [ann, bob] });
    expect(ok(await call('get', group(a, g.id), a.auth).query({ extended_details: true }))).toMatchObject({ users: [ann, bob] });
    expect(ok(await call('delete', membership(a, g.id, ann.id), a.auth))).toEqual({ users: [bob] });
    expect(ok(await call('delete', membership(a, g.id, bob.id), a.auth))).toEqual({ users: [] });
  });

  test("GET /users/:user_id/groups lists the user's groups as {id, name}, oldest first", async () => {
    const user = await newUser(a);
    expect(ok(await call('get', groupsOfUser(a, user.id), a.auth))).toEqual({ groups: [] });
    const [g1, g2] = [await newGroup(a), await newGroup(a)];
    for (const g of [g2, g1]) ok(await call('post', membership(a, g.id, user.id), a.auth));
    expect(ok(await call('get', groupsOfUser(a, user.id), a.auth))).toEqual({ groups: [g1, g2] });
  });

  test('deleting a user takes it out of its groups', async () => {
    const g = await newGroup(a);
    const user = await newUser(a);
    ok(await call('post', membership(a, g.id, user.id), a.auth));
    ok(await call('delete', `${a.base}/users/${user.id}`, a.auth));
    expect(ok(await call('get', members(a, g.id), a.auth))).toEqual({ users: [] });
  });

  describe('404s, and nothing changes', () => {
    let g: Json;
    let foreignGroup: Json;
    let member: Json;
    let stranger: Json;
    let foreignUser: Json;
    beforeAll(async () => {
      [g, foreignGroup] = [await newGroup(a), await newGroup(other)];
      [member, stranger, foreignUser] = [await newUser(a), await newUser(a), await newUser(other)];
      ok(await call('post', membership(a, g.id, member.id), a.auth));
    });

    test.each<[string, Method, () => string, () => string]>([
      ['list members of an unknown group', 'get', () => members(a, UNKNOWN_ID), () => `User group ${UNKNOWN_ID} not found`],
      [
        "list members of another account's group",
        'get',
        () => members(a, foreignGroup.id),
        () => `User group ${foreignGroup.id} not found`,
      ],
      ['add to an unknown group', 'post', () => membership(a, UNKNOWN_ID, member.id), () => `User group ${UNKNOWN_ID} not found`],
      [
        "add to another account's group",
        'post',
        () => membership(a, foreignGroup.id, member.id),
        () => `User group ${foreignGroup.id} not found`,
      ],
      ['add an unknown user', 'post', () => membership(a, g.id, UNKNOWN_ID), () => `User ${UNKNOWN_ID} not found`],
      ["add another account's user", 'post', () => membership(a, g.id, foreignUser.id), () => `User ${foreignUser.id} not found`],
      [
        'remove a user who is not a member',
        'delete',
        () => membership(a, g.id, stranger.id),
        () => `User ${stranger.id} is not a member of user group ${g.id}`,
      ],
      [
        'remove an unknown user',
        'delete',
        () => membership(a, g.id, UNKNOWN_ID),
        () => `User ${UNKNOWN_ID} is not a member of user group ${g.id}`,
      ],
      [
        "remove from another account's group",
        'delete',
        () => membership(a, foreignGroup.id, member.id),
        () => `User group ${foreignGroup.id} not found`,
      ],
      ['the groups of an unknown user', 'get', () => groupsOfUser(a, UNKNOWN_ID), () => `User ${UNKNOWN_ID} not found`],
      ["the groups of another account's user", 'get', () => groupsOfUser(a, foreignUser.id), () => `User ${foreignUser.id} not found`],
    ])('%s', async (_, method, path, message) => {
      await unchanged(a, async () => expectErrorMessage(await call(method, path(), a.auth), 404, message()));
      expect(ok(await call('get', members(other, foreignGroup.id), other.auth))).toEqual({ users: [] });
    });
  });
});

// ------------------------------------------------------------------------------------ what a group grants

describe('GET|PUT /user_groups/:group_id/permissions', () => {
  test('a new group grants nothing; PUT replaces its custom roles and rules together', async () => {
    const g = await newGroup(a);
    expect(ok(await call('get', permissions(a, g.id), a.auth))).toEqual({ roles: [], rules: [] });
    const [r1, r2] = [await newRole(a, [allow('upload:upload')]), await newRole(a, [allow('admin:resources.read')])];
    const rules = [allow('admin:folders.read'), { ...deny('upload:destroy'), conditions: { folder: { $regex: '^prod/' } } }];
    const answer = ok(await call('put', permissions(a, g.id), a.auth, { roles: [r2.id, r1.id, r2.id], rules }));
    expect({ ...answer, roles: [...answer.roles].sort() }).toEqual({ roles: [r1.id, r2.id].sort(), rules });
    expect(ok(await call('get', permissions(a, g.id), a.auth))).toEqual(answer);
    expect(ok(await call('put', permissions(a, g.id), a.auth, { rules: [] }))).toEqual({ roles: [], rules: [] });
  });

  test('accepts a form body, with the rules as JSON text and repeated roles', async () => {
    const g = await newGroup(a);
    const role = await newRole(a, [allow('upload:upload')]);
    const rules = [allow('admin:tags.read')];
    const res = ok(
      await call('put', permissions(a, g.id), a.auth, new Form(`roles=${role.id}&rules=${encodeURIComponent(JSON.stringify(rules))}`)),
    );
    expect(res).toEqual({ roles: [role.id], rules });
  });

  describe('refusals, and nothing changes', () => {
    let g: Json;
    let foreignRole: Json;
    beforeAll(async () => {
      g = await newGroup(a);
      ok(
        await call('put', permissions(a, g.id), a.auth, {
          roles: [(await newRole(a, [allow('upload:upload')])).id],
          rules: [allow('admin:ping.read')],
        }),
      );
      foreignRole = await newRole(other, []);
    });

    test.each<[string, number, () => Payload, () => string]>([
      ['no rules', 400, () => ({ roles: [] }), () => 'rules is required'],
      ['rules that are not an array', 400, () => ({ rules: 'everything' }), () => 'rules must be an array'],
      ['an unknown action', 400, () => ({ rules: [allow('upload:fly')] }), () => 'rules[0].actions[0]: unknown action "upload:fly"'],
      [
        'a rule without actions',
        400,
        () => ({ rules: [{ effect: 'allow', actions: [] }] }),
        () => 'rules[0].actions: must be a non-empty array',
      ],
      [
        'a system role',
        400,
        () => ({ roles: ['admin'], rules: [] }),
        () =>
          'roles: "admin" is a system role; system roles are held by users, not groups, so a group\'s roles must be ids of custom roles',
      ],
      ['malformed JSON', 400, () => new RawJson('{"rules":['), () => 'Malformed JSON body'],
      ['an unknown role', 404, () => ({ roles: [UNKNOWN_ID], rules: [] }), () => `Role ${UNKNOWN_ID} not found`],
      ["another account's role", 404, () => ({ roles: [foreignRole.id], rules: [] }), () => `Role ${foreignRole.id} not found`],
    ])('%s (%d)', async (_, status, payload, message) => {
      await unchanged(a, async () => expectErrorMessage(await call('put', permissions(a, g.id), a.auth, payload()), status, message()));
    });

    test.each<[string, Method]>([
      ['GET', 'get'],
      ['PUT', 'put'],
    ])("%s: 404 for an unknown group and for another account's group", async (_, method) => {
      const foreign = await newGroup(other);
      for (const id of [UNKNOWN_ID, foreign.id]) {
        await unchanged(a, async () =>
          expectErrorMessage(await call(method, permissions(a, id), a.auth, { rules: [] }), 404, `User group ${id} not found`),
        );
      }
      expect(ok(await call('get', permissions(other, foreign.id), other.auth))).toEqual({ roles: [], rules: [] });
    });
  });
});

// ------------------------------------------------------------------------------------------ no escalation

describe('nobody makes a group grant, or hands on, what they do not hold', () => {
  const GROUP_MANAGER = ['read', 'create', 'update', 'delete'].map((verb) => `provisioning:user_groups.${verb}`);
  let narrowed: Credentials;
  let wideRole: Json;
  let narrowRole: Json;
  beforeAll(async () => {
    // It holds what the users of these tests (reports) hold: a caller changes only the memberships of users who hold no more.
    const reports = ok(await call('get', `${a.base}/roles/reports`, a.auth)).rules as Rule[];
    narrowed = await narrowedKey(a, [allow(...GROUP_MANAGER, 'upload:upload'), ...reports]);
    wideRole = await newRole(a, [allow('admin:*')]);
    narrowRole = await newRole(a, [allow('admin:resources.read')]);
  });

  test('a narrowed key sets roles and rules within what it holds', async () => {
    const g = await newGroup(a);
    const body = { roles: [narrowRole.id], rules: [allow('upload:upload'), deny('provisioning:account_api_keys.create')] };
    expect(ok(await call('put', permissions(a, g.id), narrowed, body))).toEqual(body);
  });

  test.each<[string, () => Payload, string]>([
    [
      'rules that grant an action it lacks',
      () => ({ rules: [allow('provisioning:sub_accounts.create')] }),
      'provisioning:sub_accounts.create',
    ],
    ['rules that grant everything', () => ({ rules: [allow('*')] }), 'provisioning:account.update'],
    ['a role that grants more', () => ({ roles: [wideRole.id], rules: [] }), 'admin:ping.read'],
  ])('403 for %s, and nothing changes', async (_, payload, action) => {
    const g = await newGroup(a);
    await unchanged(a, async () =>
      expectErrorMessage(await call('put', permissions(a, g.id), narrowed, payload()), 403, notAllowed(action)),
    );
  });

  test('403 for adding a member to a group that grants more than the key holds; within its grants, adding works', async () => {
    const [wide, narrow] = [await newGroup(a), await newGroup(a)];
    ok(await call('put', permissions(a, wide.id), a.auth, { roles: [wideRole.id], rules: [] }));
    ok(await call('put', permissions(a, narrow.id), a.auth, { roles: [narrowRole.id], rules: [allow('upload:upload')] }));
    const user = await newUser(a);
    await unchanged(a, async () =>
      expectErrorMessage(await call('post', membership(a, wide.id, user.id), narrowed), 403, notAllowed('admin:ping.read')),
    );
    expect(ok(await call('post', membership(a, narrow.id, user.id), narrowed))).toEqual({ users: [user] });
  });
});

// ------------------------------------------------------------------------------------- the official SDK

describe('the official SDK (cloudinary 2.11.0)', () => {
  test('create_user_group, user_group, user_groups, update_user_group (a form body) and delete_user_group', async () => {
    const created = (await sdk.create_user_group('SDK group')) as Json;
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'SDK group' });
    expect(await sdk.user_group(created.id)).toEqual(created);
    expect(((await sdk.user_groups()) as Json).user_groups).toContainEqual(created);
    expect(await sdk.update_user_group(created.id, 'SDK renamed')).toEqual({ id: created.id, name: 'SDK renamed' });
    expect(await sdk.delete_user_group(created.id)).toEqual({ ok: true });
    const missing = await rejectionOf(sdk.user_group(created.id));
    expect(missing.error).toEqual({ message: `User group ${created.id} not found`, http_code: 404 });
  });

  test('add_user_to_group, user_group_users and remove_user_from_group', async () => {
    const g = await newGroup(a);
    const user = await newUser(a);
    expect(await sdk.add_user_to_group(g.id, user.id)).toEqual({ users: [user] });
    expect(await sdk.user_group_users(g.id)).toEqual({ users: [user] });
    expect(await sdk.remove_user_from_group(g.id, user.id)).toEqual({ users: [] });
    const notMember = await rejectionOf(sdk.remove_user_from_group(g.id, user.id));
    expect(notMember.error.http_code).toBe(404);
  });

  test("another account's credentials per call see none of this account's groups", async () => {
    const g = await newGroup(a);
    const refused = await rejectionOf(sdk.user_group(g.id, as(other)));
    expect(refused.error).toEqual({ message: `User group ${g.id} not found`, http_code: 404 });
  });
});

// ------------------------------------------------------------------------------------------ access rules

describe('access rules of every route', () => {
  let target: Json;
  let user: Json;
  beforeAll(async () => {
    target = await newGroup(a, 'Guarded group');
    user = await newUser(a);
    ok(await call('post', membership(a, target.id, user.id), a.auth));
  });

  const ROUTES: [Method, () => string, string, Payload?][] = [
    ['get', () => groups(a), 'read'],
    ['post', () => groups(a), 'create', { name: 'Intruder group' }],
    ['get', () => group(a, target.id), 'read'],
    ['put', () => group(a, target.id), 'update', { name: 'Intruded' }],
    ['delete', () => group(a, target.id), 'delete'],
    ['get', () => members(a, target.id), 'read'],
    ['post', () => membership(a, target.id, user.id), 'update'],
    ['delete', () => membership(a, target.id, user.id), 'update'],
    ['get', () => permissions(a, target.id), 'read'],
    ['put', () => permissions(a, target.id), 'update', { rules: [allow('*')] }],
    ['get', () => groupsOfUser(a, user.id), 'read'],
  ];

  describe.each(
    ROUTES.map(
      ([method, path, action, payload], i) => [`#${i + 1} ${method.toUpperCase()} (${action})`, method, path, action, payload] as const,
    ),
  )('%s', (_, method, path, action, payload) => {
    test.each<[string, () => Credentials | undefined]>([
      ['no credentials', () => undefined],
      ["another account's key", () => other.auth],
    ])('401 with %s, and nothing changes', async (__, credentials) => {
      await unchanged(a, async () => {
        const res = await call(method, path(), credentials(), payload);
        expectUnauthorized(res);
      });
    });

    test(`403 for an environment key (needs provisioning:user_groups.${action}), and nothing changes`, async () => {
      await unchanged(a, async () =>
        expectErrorMessage(await call(method, path(), envKey, payload), 403, `Not allowed: provisioning:user_groups.${action}`),
      );
    });
  });
});

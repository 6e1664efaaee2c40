import { SYSTEM_ROLE_RULES, SYSTEM_ROLES } from '@castellan/permissions';
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

// Custom roles (`/roles`): system roles listed first and read-only, custom roles with unique names per account,
// rules validated like key policies, no escalation (nobody puts into a role what they do not hold), and no
// deleting a role that someone holds.

const CUSTOM_FIELDS = ['created_at', 'description', 'id', 'name', 'rules', 'system', 'updated_at'];

let server: TestServer;
let a: TestAccount;
let other: TestAccount;
/** The first key of an environment of `a`: valid credentials that may hold no provisioning action. */
let envKey: Credentials;

beforeAll(async () => {
  server = await startServer();
  ({ owner: a, other, envKey } = await twoAccounts(server, ['Roles owner', 'Another account'], 'roles'));
});
afterAll(() => server.close());
const { call } = bind(() => server);

const roles = (owner: TestAccount) => `${owner.base}/roles`;
const role = (owner: TestAccount, id: string) => `${roles(owner)}/${id}`;
const list = async (owner: TestAccount): Promise<Json[]> => ok(await call('get', roles(owner), owner.auth)).roles;
let counter = 0;
const uniqueName = (prefix = 'Role') => `${prefix} ${++counter}`;
const create = async (owner: TestAccount, body: Record<string, unknown> = {}): Promise<Json> =>
  ok(await call('post', roles(owner), owner.auth, { name: uniqueName(), rules: [allow('upload:*')], ...body }));
/** A refused grant names the action, then what would have held it. */
const notAllowed = (action: string) =>
  expect.stringMatching(new RegExp(`^Not allowed: ${action.replace(/[.*]/g, '\\$&')} is not held by the caller, and `));

/** Runs a refused request and proves the account's roles did not change. */
const unchanged = (owner: TestAccount, attempt: () => Promise<void>): Promise<void> => expectUnchanged(() => list(owner), attempt);

const systemShape = (name: (typeof SYSTEM_ROLES)[number]) => ({
  id: name,
  name,
  description: SYSTEM_ROLE_RULES[name].description,
  rules: SYSTEM_ROLE_RULES[name].rules,
  system: true,
});

/** An account key of `owner`, narrowed to `rules`. */
async function narrowedKey(owner: TestAccount, rules: Rule[]): Promise<Credentials> {
  const key = ok(await call('post', `${owner.base}/account_api_keys`, owner.auth, { name: uniqueName('narrow') }));
  ok(await call('put', `${owner.base}/account_api_keys/${key.api_key}/permissions`, owner.auth, { rules }));
  return [key.api_key, key.api_secret];
}

/** A group of `owner` that holds the role, through the group permissions endpoint. */
async function groupHolding(owner: TestAccount, roleId: string): Promise<string> {
  const group = ok(await call('post', `${owner.base}/user_groups`, owner.auth, { name: uniqueName('holders') }));
  ok(await call('put', `${owner.base}/user_groups/${group.id}/permissions`, owner.auth, { roles: [roleId], rules: [] }));
  return group.id;
}

// ------------------------------------------------------------------------------------------------ reading

describe('GET /roles and GET /roles/:role_id', () => {
  test('lists the system roles first, by name and read-only, then the custom roles oldest first', async () => {
    const owner = await server.newAccount();
    expect(await list(owner)).toEqual(SYSTEM_ROLES.map(systemShape));
    const first = await create(owner, { name: 'First' });
    const second = await create(owner, { name: 'Second', description: 'Two' });
    expect(await list(owner)).toEqual([...SYSTEM_ROLES.map(systemShape), first, second]);
  });

  test.each(SYSTEM_ROLES.map((name) => [name]))('a system role is read by its name: %s', async (name) => {
    expect(ok(await call('get', role(a, name), a.auth))).toEqual(systemShape(name));
  });

  test('a custom role is read by its id', async () => {
    const created = await create(a, { description: 'Readable' });
    expect(ok(await call('get', role(a, created.id), a.auth))).toEqual(created);
  });

  test.each<[string, () => Promise<string>]>([
    ['an unknown id', async () => UNKNOWN_ID],
    ["another account's role", async () => (await create(other)).id],
    ['a system role name in another case', async () => 'Admin'],
  ])('404 for %s', async (_, id) => {
    const target = await id();
    expectErrorMessage(await call('get', role(a, target), a.auth), 404, `Role ${target} not found`);
  });
});

// ----------------------------------------------------------------------------------------------- creating

describe('POST /roles', () => {
  test('creates a role with its validated rules, in the exact shape reads show', async () => {
    const rules = [allow('upload:*', 'admin:resources.read'), { ...deny('upload:destroy'), conditions: { folder: { $regex: '^prod/' } } }];
    const created = await create(a, { name: 'Uploaders', description: 'Upload everywhere but prod', rules });
    expect(Object.keys(created).sort()).toEqual(CUSTOM_FIELDS);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'Uploaders',
      description: 'Upload everywhere but prod',
      rules,
      system: false,
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: created.created_at,
    });
    expect(ok(await call('get', role(a, created.id), a.auth))).toEqual(created);
  });

  test('accepts a form body, with the rules as JSON text; the description is optional', async () => {
    const rules = [allow('admin:*')];
    const created = ok(
      await call('post', roles(a), a.auth, new Form(`name=Form%20role&rules=${encodeURIComponent(JSON.stringify(rules))}`)),
    );
    expect(created).toMatchObject({ name: 'Form role', description: null, rules, system: false });
  });

  test('an empty rule list makes a role that grants nothing', async () => {
    expect(await create(a, { rules: [] })).toMatchObject({ rules: [] });
  });

  test.each<[string, Payload, string]>([
    ['no name', { rules: [] }, 'name is required'],
    ['a blank name', { name: '  ', rules: [] }, 'name is required'],
    ['a name over 255 characters', { name: 'x'.repeat(256), rules: [] }, 'name must be at most 255 characters'],
    ['a name that is not a string', { name: 7, rules: [] }, 'name must be a string'],
    [
      'a description over 1000 characters',
      { name: 'D', description: 'x'.repeat(1001), rules: [] },
      'description must be at most 1000 characters',
    ],
    ['no rules', { name: 'No rules' }, 'rules is required'],
    ['rules that are not an array', { name: 'Obj', rules: { effect: 'allow' } }, 'rules must be an array'],
    ['an unknown action', { name: 'Unknown', rules: [allow('upload:teleport')] }, 'rules[0].actions[0]: unknown action "upload:teleport"'],
    ['a bad effect', { name: 'Effect', rules: [{ effect: 'maybe', actions: ['upload:*'] }] }, 'rules[0].effect: must be "allow" or "deny"'],
    ['an unknown rule field', { name: 'Field', rules: [{ ...allow('upload:*'), when: 1 }] }, 'rules[0].when: unknown field'],
    ['malformed JSON', new RawJson('{"name":"x"'), 'Malformed JSON body'],
  ])('400 for %s, and nothing is created', async (_, payload, message) => {
    await unchanged(a, async () => expectErrorMessage(await call('post', roles(a), a.auth, payload), 400, message));
  });

  test.each<[string, string, string, string]>([
    ['the name of another role, in another case', 'Taken name', 'TAKEN NAME', 'A role named "TAKEN NAME" already exists'],
    ['the name of a system role', '', 'Media_Library_User', 'Role name "Media_Library_User" is the name of a system role'],
  ])('409 for %s, and nothing is created', async (_, existing, name, message) => {
    if (existing) await create(a, { name: existing });
    await unchanged(a, async () => expectErrorMessage(await call('post', roles(a), a.auth, { name, rules: [] }), 409, message));
  });

  test("names are unique per account: another account's role name is free", async () => {
    const mine = await create(a);
    expect(await create(other, { name: mine.name })).toMatchObject({ name: mine.name });
  });
});

// ----------------------------------------------------------------------------------------------- updating

describe('PUT /roles/:role_id', () => {
  test('changes the name, the description and the rules, and bumps updated_at', async () => {
    const created = await create(a);
    await new Promise((r) => setTimeout(r, 1100));
    const updated = ok(
      await call('put', role(a, created.id), a.auth, { name: 'Renamed role', description: 'Now', rules: [allow('admin:resources.read')] }),
    );
    expect(updated).toEqual({
      ...created,
      name: 'Renamed role',
      description: 'Now',
      rules: [allow('admin:resources.read')],
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(updated.updated_at > created.updated_at).toBe(true);
    expect(ok(await call('get', role(a, created.id), a.auth))).toEqual(updated);
  });

  test('a form body changes only the fields it names', async () => {
    const created = await create(a, { description: 'Kept' });
    const updated = ok(await call('put', role(a, created.id), a.auth, new Form('name=Form%20renamed')));
    expect(updated).toMatchObject({ name: 'Form renamed', description: 'Kept', rules: created.rules });
  });

  test('renaming a role to its own name in another case is allowed', async () => {
    const created = await create(a, { name: 'case me' });
    expect(ok(await call('put', role(a, created.id), a.auth, { name: 'Case Me' }))).toMatchObject({ name: 'Case Me' });
  });

  test.each<[string, number, Payload, string]>([
    ['rules that are not an array', 400, { rules: 'all' }, 'rules must be an array'],
    ['an unknown action', 400, { rules: [allow('nope:*')] }, 'rules[0].actions[0]: unknown action "nope:*"'],
    ['a name over 255 characters', 400, { name: 'x'.repeat(256) }, 'name must be at most 255 characters'],
    ['the name of a system role', 409, { name: 'Billing' }, 'Role name "Billing" is the name of a system role'],
  ])('%s is refused (%d), and nothing changes', async (_, status, payload, message) => {
    const created = await create(a);
    await unchanged(a, async () => expectErrorMessage(await call('put', role(a, created.id), a.auth, payload), status, message));
  });

  test('409 for the name of another role, and nothing changes', async () => {
    const [first, second] = [await create(a), await create(a)];
    const name = first.name.toUpperCase();
    await unchanged(a, async () =>
      expectErrorMessage(await call('put', role(a, second.id), a.auth, { name }), 409, `A role named "${name}" already exists`),
    );
  });

  test.each(SYSTEM_ROLES.map((name) => [name]))('403 for the system role %s, which is read-only', async (name) => {
    expectErrorMessage(await call('put', role(a, name), a.auth, { description: 'Mine now' }), 403, 'System roles are read-only');
    expect(ok(await call('get', role(a, name), a.auth))).toEqual(systemShape(name));
  });

  test.each<[string, () => Promise<{ id: string; check: () => Promise<void> }>]>([
    ['an unknown id', async () => ({ id: UNKNOWN_ID, check: async () => undefined })],
    [
      "another account's role",
      async () => {
        const foreign = await create(other);
        return { id: foreign.id, check: async () => expect(ok(await call('get', role(other, foreign.id), other.auth))).toEqual(foreign) };
      },
    ],
  ])('404 for %s, which stays as it was', async (_, target) => {
    const { id, check } = await target();
    expectErrorMessage(await call('put', role(a, id), a.auth, { name: 'Hijacked' }), 404, `Role ${id} not found`);
    await check();
  });
});

// ----------------------------------------------------------------------------------------------- deleting

describe('DELETE /roles/:role_id', () => {
  test('deletes a role nobody holds and answers {"message":"ok"}', async () => {
    const created = await create(a);
    expect(ok(await call('delete', role(a, created.id), a.auth))).toEqual({ message: 'ok' });
    expectErrorMessage(await call('get', role(a, created.id), a.auth), 404);
    expectErrorMessage(await call('delete', role(a, created.id), a.auth), 404);
  });

  test('409 naming a holder while a group holds the role; deletable once the group lets it go', async () => {
    const created = await create(a, { name: 'Held role' });
    const groupId = await groupHolding(a, created.id);
    await unchanged(a, async () =>
      expectErrorMessage(await call('delete', role(a, created.id), a.auth), 409, `Role "Held role" is held by group ${groupId}`),
    );
    ok(await call('put', `${a.base}/user_groups/${groupId}/permissions`, a.auth, { roles: [], rules: [] }));
    expect(ok(await call('delete', role(a, created.id), a.auth))).toEqual({ message: 'ok' });
  });

  test('deleting the holding group frees the role', async () => {
    const created = await create(a);
    const groupId = await groupHolding(a, created.id);
    expect(ok(await call('delete', `${a.base}/user_groups/${groupId}`, a.auth))).toEqual({ ok: true });
    expect(ok(await call('delete', role(a, created.id), a.auth))).toEqual({ message: 'ok' });
  });

  test.each(SYSTEM_ROLES.map((name) => [name]))('403 for the system role %s', async (name) => {
    await unchanged(a, async () => expectErrorMessage(await call('delete', role(a, name), a.auth), 403, 'System roles are read-only'));
  });

  test("404 for an unknown id and for another account's role, which stays", async () => {
    expectErrorMessage(await call('delete', role(a, UNKNOWN_ID), a.auth), 404, `Role ${UNKNOWN_ID} not found`);
    const foreign = await create(other);
    expectErrorMessage(await call('delete', role(a, foreign.id), a.auth), 404, `Role ${foreign.id} not found`);
    expect(ok(await call('get', role(other, foreign.id), other.auth))).toEqual(foreign);
  });
});

// ------------------------------------------------------------------------------------------- no escalation

describe('nobody puts into a role what they do not hold', () => {
  const ROLE_MANAGER = [
    allow(
      'provisioning:roles.read',
      'provisioning:roles.create',
      'provisioning:roles.update',
      'provisioning:sub_accounts.read',
      'upload:upload',
    ),
  ];
  let narrowed: Credentials;
  beforeAll(async () => (narrowed = await narrowedKey(a, ROLE_MANAGER)));

  test('a narrowed key creates a role within what it holds', async () => {
    const res = ok(
      await call('post', roles(a), narrowed, { name: uniqueName(), rules: [allow('upload:upload', 'provisioning:sub_accounts.read')] }),
    );
    expect(res.rules).toEqual([allow('upload:upload', 'provisioning:sub_accounts.read')]);
  });

  test('denies cost nothing: a role may deny what the key does not hold', async () => {
    ok(await call('post', roles(a), narrowed, { name: uniqueName(), rules: [deny('provisioning:account_api_keys.create')] }));
  });

  test.each<[string, Rule[], string]>([
    ['an action it lacks', [allow('provisioning:sub_accounts.create')], 'provisioning:sub_accounts.create'],
    ['a wildcard over actions it lacks', [allow('upload:*')], 'upload:explicit'],
    ['everything', [allow('*')], 'provisioning:account.read'],
  ])('403 for a role granting %s, and nothing is created', async (_, rules, action) => {
    await unchanged(a, async () =>
      expectErrorMessage(await call('post', roles(a), narrowed, { name: uniqueName(), rules }), 403, notAllowed(action)),
    );
  });

  test('a refused grant names the action in the body too (error.action), for clients that show it in place', async () => {
    const res = await call('post', roles(a), narrowed, { name: uniqueName(), rules: [allow('provisioning:sub_accounts.create')] });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 403,
      body: { error: { message: notAllowed('provisioning:sub_accounts.create'), action: 'provisioning:sub_accounts.create' } },
    });
  });

  test('403 for an update that would grant more, and the role stays as it was', async () => {
    const created = await create(a, { rules: [allow('upload:upload')] });
    expectErrorMessage(await call('put', role(a, created.id), narrowed, { rules: [allow('admin:*')] }), 403, notAllowed('admin:ping.read'));
    expect(ok(await call('get', role(a, created.id), a.auth))).toEqual(created);
  });

  test('renaming a role the key could not have made is not a grant', async () => {
    const created = await create(a, { rules: [allow('*')] });
    expect(ok(await call('put', role(a, created.id), narrowed, { name: uniqueName('renamed') }))).toMatchObject({ rules: [allow('*')] });
  });
});

// ------------------------------------------------------------------------------------------ access rules

describe('access rules of every route', () => {
  let target: Json;
  beforeAll(async () => (target = await create(a, { name: 'Guarded role' })));

  const ROUTES: [Method, () => string, string, Payload?][] = [
    ['get', () => roles(a), 'read'],
    ['post', () => roles(a), 'create', { name: 'Intruder role', rules: [] }],
    ['get', () => role(a, target.id), 'read'],
    ['put', () => role(a, target.id), 'update', { name: 'Intruded' }],
    ['delete', () => role(a, target.id), 'delete'],
  ];

  describe.each(
    ROUTES.map(([method, path, action, payload]) => [`${method.toUpperCase()} ${action}`, method, path, action, payload] as const),
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

    test(`403 for an environment key (needs provisioning:roles.${action}), and nothing changes`, async () => {
      await unchanged(a, async () =>
        expectErrorMessage(await call(method, path(), envKey, payload), 403, `Not allowed: provisioning:roles.${action}`),
      );
    });
  });
});

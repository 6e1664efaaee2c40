import 'reflect-metadata';
import type { Principal } from '@castellan/core';
import { ErrorCode } from '@castellan/core';
import type { ListUsersDto, UpdateUserDto } from './dto/user.dto.js';
import type { UserFilter, UserPage } from './user.repository.js';
import { UserEntity } from './user.entity.js';
import { UserService } from './user.service.js';
import { accountTransactions, construct, refusal, standIns } from '../../../../test/support/stand-ins.js';

// A user's rules that need no database: how the list filters become a query (days as UTC ranges, "to" inclusive),
// where a user reaches (all environments, listed ones, or none), the account's last enabled master admin, and a
// user on the wire. Users, environments, transactions, grants and invitations are stand-ins that record what they were asked.

const CREATED = new Date('2026-11-22T08:00:16.700Z');

const user = (fields: Partial<UserEntity> = {}): UserEntity =>
  Object.assign(new UserEntity(), {
    id: 'u1',
    accountId: 'acc',
    name: 'Jenny Bar',
    email: 'jenny@example.com',
    role: 'admin',
    enabled: true,
    pending: false,
    allSubAccounts: false,
    lastLogin: null,
    createdAt: CREATED,
    updatedAt: CREATED,
    ...fields,
  });

interface World {
  users?: UserEntity[];
  environments?: string[];
  customRoles?: string[];
  masterAdmins?: number;
  userEnvironments?: Record<string, string[]>;
}

function users(world: World = {}) {
  const rows = [...(world.users ?? [])];
  const environments = world.environments ?? ['e1', 'e2'];
  const listed: { filter: UserFilter; page: UserPage }[] = [];
  const inserted: UserEntity[] = [];
  const patched: Record<string, unknown>[] = [];
  const reaches: { id: string; environmentIds: string[] }[] = [];
  const roles: { id: string; roleIds: string[] }[] = [];
  const changes: unknown[] = [];
  // What happened, in order: a transaction's end, and each invitation.
  const events: string[] = [];
  const transactions = accountTransactions({ changed: (change) => changes.push(change) });
  const members: Record<string, unknown> = {
    ...transactions,
    run: async (...args: Parameters<typeof transactions.run>) => {
      const result = await transactions.run(...args);
      events.push('committed');
      return result;
    },
    // The users and the environments both answer findById and list: ids tell them apart (e… for environments).
    findById: (accountId: string, id: string) =>
      Promise.resolve(
        id.startsWith('e')
          ? environments.includes(id) && accountId === 'acc'
            ? { id }
            : null
          : (rows.find((u) => u.accountId === accountId && u.id === id) ?? null),
      ),
    list: (_: string, filter: UserFilter, page: UserPage) => {
      listed.push({ filter: { ...filter }, page });
      return Promise.resolve({ rows, total: rows.length });
    },
    findByEmail: (accountId: string, email: string) =>
      Promise.resolve(rows.find((u) => u.accountId === accountId && u.email.toLowerCase() === email.toLowerCase()) ?? null),
    insert: (_: unknown, u: UserEntity) => Promise.resolve(void inserted.push(u)),
    update: (_: unknown, __: string, id: string, patch: Record<string, unknown>) => Promise.resolve(void patched.push({ id, ...patch })),
    replaceEnvironments: (_: unknown, __: string, id: string, environmentIds: string[]) =>
      Promise.resolve(void reaches.push({ id, environmentIds })),
    replaceCustomRoles: (_: unknown, __: string, id: string, roleIds: string[]) => Promise.resolve(void roles.push({ id, roleIds })),
    existingCustomRoleIds: (_: string, ids: string[]) =>
      Promise.resolve(new Set(ids.filter((id) => (world.customRoles ?? []).includes(id)))),
    countEnabledMasterAdmins: () => Promise.resolve(world.masterAdmins ?? 1),
    environmentIds: (_: string, ids: string[]) => Promise.resolve(new Map(ids.map((id) => [id, world.userEnvironments?.[id] ?? []]))),
    customRoleIds: (_: string, ids: string[]) => Promise.resolve(new Map(ids.map((id) => [id, []]))),
    deleteAllOfUser: () => Promise.resolve(),
    delete: () => Promise.resolve(),
    invite: (accountId: string, userId: string) => Promise.resolve(void events.push(`invited ${accountId}/${userId}`)),
    emailChanged: (accountId: string, userId: string) => Promise.resolve(void events.push(`email of ${accountId}/${userId} changed`)),
  };
  const service = construct(UserService, standIns(members));
  return { service, listed, inserted, patched, reaches, roles, changes, events };
}

const CALLER = { kind: 'account', accountId: 'acc', environmentIds: null } as Principal;

describe('UserService.list: filters', () => {
  const filterOf = async (query: ListUsersDto) => {
    const { service, listed } = users();
    await service.list('acc', query);
    return listed[0]!;
  };

  test('no filter: the first 100 users, oldest first', async () => {
    expect(await filterOf({})).toEqual({
      filter: { ids: undefined, emails: undefined, pending: undefined, prefix: undefined },
      page: { page: 1, pageSize: 100, sortBy: 'created_at', sortOrder: 'asc' },
    });
  });

  test('last_login with days: from the first UTC midnight up to the midnight after "to"', async () => {
    const { filter } = await filterOf({ last_login: true, from: '2026-01-01', to: '2026-01-31' });
    expect(filter.lastLogin).toEqual({ loggedIn: true, from: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-02-01T00:00:00Z') });
  });

  test('one day is a whole day; a range may be open on either side', async () => {
    expect((await filterOf({ last_login: false, from: '2024-02-29', to: '2024-02-29' })).filter.lastLogin).toEqual({
      loggedIn: false,
      from: new Date('2024-02-29T00:00:00Z'),
      until: new Date('2024-03-01T00:00:00Z'),
    });
    expect((await filterOf({ last_login: true })).filter.lastLogin).toEqual({ loggedIn: true, from: undefined, until: undefined });
    expect((await filterOf({ last_login: true, to: '2026-12-31' })).filter.lastLogin).toEqual({
      loggedIn: true,
      from: undefined,
      until: new Date('2027-01-01T00:00:00Z'),
    });
  });

  test('from and to apply only with last_login', async () => {
    expect((await filterOf({ from: '2026-01-01', to: '2026-01-31' })).filter.lastLogin).toBeUndefined();
  });

  test.each([
    [{ from: '2026-02-29' }, 'from must be a date as yyyy-mm-dd'],
    [{ to: '2026-04-31' }, 'to must be a date as yyyy-mm-dd'],
    [{ from: '2026-13-01' }, 'from must be a date as yyyy-mm-dd'],
    [{ to: '2026-00-01' }, 'to must be a date as yyyy-mm-dd'],
    [{ from: '2026-02-02', to: '2026-02-01' }, 'from must not be after to'],
  ])('%j is refused: %s', async (query, message) => {
    expect(await refusal(() => users().service.list('acc', query))).toEqual({ code: ErrorCode.InvalidInput, message });
  });

  test('an environment filter names an environment of the account, in Cloudinary’s words when it does not', async () => {
    expect((await filterOf({ sub_account_id: 'e1' })).filter.environmentId).toBe('e1');
    expect(await refusal(() => users().service.list('acc', { sub_account_id: 'e9' }))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Cannot find sub account with id e9',
    });
  });
});

describe('UserService: where a user reaches', () => {
  test('a new user reaches every environment unless the request lists some', async () => {
    const { service, inserted, reaches } = users();
    await service.create(CALLER, { name: 'J', email: 'j@example.com' });
    expect(inserted[0]).toMatchObject({ role: 'media_library_user', allSubAccounts: true, enabled: true, pending: true });
    expect(reaches).toEqual([{ id: inserted[0]!.id, environmentIds: [] }]);
  });

  test('listed environments, each once, and no others', async () => {
    const { service, inserted, reaches } = users();
    await service.create(CALLER, { name: 'J', email: 'j@example.com', sub_account_ids: ['e2', 'e1', 'e2'] });
    expect(inserted[0]!.allSubAccounts).toBe(false);
    expect(reaches[0]!.environmentIds).toEqual(['e2', 'e1']);
  });

  test('all_sub_accounts=false and no list: a user who reaches no environment', async () => {
    const { service, inserted, reaches } = users();
    await service.create(CALLER, { name: 'J', email: 'j@example.com', all_sub_accounts: false });
    expect(inserted[0]!.allSubAccounts).toBe(false);
    expect(reaches[0]!.environmentIds).toEqual([]);
  });

  test('a master admin reaches everything, whatever is listed', async () => {
    const { service, inserted, reaches } = users();
    const dto = await service.create(CALLER, { name: 'J', email: 'j@example.com', role: 'master_admin', sub_account_ids: ['e1'] });
    expect(inserted[0]!.allSubAccounts).toBe(true);
    expect(reaches[0]!.environmentIds).toEqual([]);
    expect(dto).toMatchObject({ all_sub_accounts: true, sub_account_ids: [] });
  });

  test('a list and all_sub_accounts=true together are refused, before anything is read', async () => {
    const { service, inserted } = users();
    expect(
      await refusal(() => service.create(CALLER, { name: 'J', email: 'j@example.com', sub_account_ids: ['e1'], all_sub_accounts: true })),
    ).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'Give either sub_account_ids or all_sub_accounts=true, not both',
    });
    expect(inserted).toEqual([]);
  });

  test('an environment or a custom role the account does not have is a 404 naming it', async () => {
    expect(
      await refusal(() => users().service.create(CALLER, { name: 'J', email: 'j@example.com', sub_account_ids: ['e1', 'e7'] })),
    ).toEqual({
      code: ErrorCode.NotFound,
      message: 'Cannot find sub account with id e7',
    });
    expect(
      await refusal(() =>
        users({ customRoles: ['r1'] }).service.create(CALLER, { name: 'J', email: 'j@example.com', custom_roles: ['r1', 'r2'] }),
      ),
    ).toEqual({ code: ErrorCode.NotFound, message: 'Custom role r2 not found' });
  });

  test('an email taken in the account, in any case, is a 409', async () => {
    const { service } = users({ users: [user()] });
    expect(await refusal(() => service.create(CALLER, { name: 'J', email: 'JENNY@example.com' }))).toEqual({
      code: ErrorCode.Conflict,
      message: 'A user with email JENNY@example.com already exists in this account',
    });
  });

  test('an update that says nothing of reach leaves it; all_sub_accounts=false keeps a listed reach as it is', async () => {
    const listed = user({ allSubAccounts: false });
    const { service, patched, reaches, changes } = users({ users: [listed] });
    await service.update(CALLER, 'u1', { name: 'Renamed' });
    await service.update(CALLER, 'u1', { all_sub_accounts: false });
    expect(reaches).toEqual([]);
    expect(patched.map((p) => p.allSubAccounts)).toEqual([undefined, undefined]);
    // Neither widens what the user holds.
    expect(changes).toEqual([
      { subjects: [{ user: 'u1' }], widens: false },
      { subjects: [{ user: 'u1' }], widens: false },
    ]);
  });

  test('all_sub_accounts=false takes a user of all environments down to none', async () => {
    const { service, patched, reaches } = users({ users: [user({ allSubAccounts: true })] });
    await service.update(CALLER, 'u1', { all_sub_accounts: false });
    expect(patched[0]!.allSubAccounts).toBe(false);
    expect(reaches).toEqual([{ id: 'u1', environmentIds: [] }]);
  });

  test('changing role, reach or custom roles, or enabling a user, widens it: the grant check must compare it', async () => {
    const widens = async (current: Partial<UserEntity>, input: Record<string, unknown>) => {
      const { service, changes } = users({ users: [user(current)], customRoles: ['r1'] });
      await service.update(CALLER, 'u1', input);
      return (changes[0] as { widens: boolean }).widens;
    };
    expect(await widens({}, { role: 'billing' })).toBe(true);
    expect(await widens({}, { sub_account_ids: ['e1'] })).toBe(true);
    expect(await widens({}, { custom_roles: [] })).toBe(true);
    expect(await widens({ enabled: false }, { enabled: true })).toBe(true);
    expect(await widens({ enabled: true }, { enabled: true })).toBe(false);
    expect(await widens({}, { enabled: false, name: 'x', email: 'x@example.com' })).toBe(false);
  });
});

describe('UserService.create: the invitation', () => {
  test('is sent once the user is committed, for the new user', async () => {
    const { service, events } = users();
    const dto = await service.create(CALLER, { name: 'J', email: 'j@example.com' });
    expect(events).toEqual(['committed', `invited acc/${dto.id}`]);
  });

  test('is not sent when the create is refused', async () => {
    const { service, events } = users({ users: [user()] });
    await refusal(() => service.create(CALLER, { name: 'J', email: 'jenny@example.com' }));
    expect(events).toEqual([]);
  });
});

describe('UserService: an account keeps an enabled master admin', () => {
  const admin = user({ role: 'master_admin', allSubAccounts: true });

  test.each<[string, UpdateUserDto, string]>([
    ['demoted', { role: 'admin' }, 'demote'],
    ['disabled', { enabled: false }, 'disable'],
  ])('its last one cannot be %s', async (_, input, verb) => {
    const { service, patched } = users({ users: [admin], masterAdmins: 1 });
    expect(await refusal(() => service.update(CALLER, 'u1', input))).toEqual({
      code: ErrorCode.Conflict,
      message: `Cannot ${verb} user u1: it is the account's last enabled master_admin, and an account must keep one`,
    });
    expect(patched).toEqual([]);
  });

  test('nor deleted', async () => {
    expect(await refusal(() => users({ users: [admin], masterAdmins: 1 }).service.delete(CALLER, 'u1'))).toEqual({
      code: ErrorCode.Conflict,
      message: "Cannot delete user u1: it is the account's last enabled master_admin, and an account must keep one",
    });
  });

  test('with another one, or when it is disabled already, it can', async () => {
    await users({ users: [admin], masterAdmins: 2 }).service.update(CALLER, 'u1', { role: 'admin' });
    await users({ users: [{ ...admin, enabled: false } as UserEntity], masterAdmins: 0 }).service.delete(CALLER, 'u1');
    await users({ users: [admin], masterAdmins: 1 }).service.update(CALLER, 'u1', { name: 'Still the admin' });
  });
});

describe('UserService.get: a user on the wire', () => {
  test('its environments sorted, or none listed when it reaches all of them; timestamps to the second', async () => {
    const { service } = users({
      users: [user({ lastLogin: new Date('2026-12-01T10:00:00.999Z') })],
      userEnvironments: { u1: ['e2', 'e1'] },
    });
    expect(await service.get('acc', 'u1')).toEqual({
      id: 'u1',
      name: 'Jenny Bar',
      email: 'jenny@example.com',
      role: 'admin',
      enabled: true,
      pending: false,
      sub_account_ids: ['e1', 'e2'],
      all_sub_accounts: false,
      custom_roles: [],
      last_login: '2026-12-01T10:00:00Z',
      created_at: '2026-11-22T08:00:16Z',
      updated_at: '2026-11-22T08:00:16Z',
    });
  });

  test('a master admin reaches all environments whatever is stored', async () => {
    const { service } = users({ users: [user({ role: 'master_admin', allSubAccounts: false })], userEnvironments: { u1: ['e1'] } });
    expect(await service.get('acc', 'u1')).toMatchObject({ sub_account_ids: [], all_sub_accounts: true, last_login: null });
  });

  test("another account's user is not found", async () => {
    expect(await refusal(() => users({ users: [user({ accountId: 'other' })] }).service.get('acc', 'u1'))).toEqual({
      code: ErrorCode.NotFound,
      message: 'User u1 not found',
    });
  });
});

describe('UserService.update: a changed email', () => {
  test('voids the links mailed to the old address, once the change is committed', async () => {
    const { service, events } = users({ users: [user({ email: 'old@example.com' })] });
    await service.update(CALLER, 'u1', { email: 'new@example.com' });
    expect(events).toEqual(['committed', 'email of acc/u1 changed']);
  });

  test('the same email, or none, voids nothing', async () => {
    const { service, events } = users({ users: [user({ email: 'same@example.com' })] });
    await service.update(CALLER, 'u1', { email: 'same@example.com' });
    await service.update(CALLER, 'u1', { name: 'Renamed' });
    expect(events.filter((e) => e.startsWith('email'))).toEqual([]);
  });
});

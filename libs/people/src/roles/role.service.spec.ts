import 'reflect-metadata';
import type { Principal } from '@castellan/core';
import { ErrorCode } from '@castellan/core';
import { PermissionCatalog } from '@castellan/permissions';
import { adminPlugin } from '@castellan/permissions';
import { provisioningPlugin } from '@castellan/permissions';
import { uploadPlugin } from '@castellan/permissions';
import { SYSTEM_ROLE_RULES, SYSTEM_ROLES } from '@castellan/permissions';
import { RoleEntity } from './role.entity.js';
import { isSystemRole, RoleService } from './role.service.js';
import { accountTransactions, construct, refusal, standIns } from '../../../../test/support/stand-ins.js';

// Custom roles beside the system ones, with the real catalogue and stand-ins for the store: system roles are
// read-only and their names are taken, rules are validated before anything is written, a role held by anyone
// stays, and what a change of rules asks the grant check.

const catalog = new PermissionCatalog([provisioningPlugin, uploadPlugin, adminPlugin]);
const CALLER = { kind: 'account', accountId: 'acc' } as Principal;
const CREATED = new Date('2026-11-22T08:00:16.250Z');

const role = (fields: Partial<RoleEntity> = {}): RoleEntity =>
  Object.assign(new RoleEntity(), {
    id: 'r1',
    accountId: 'acc',
    name: 'Uploaders',
    description: null,
    rules: [{ effect: 'allow', actions: ['upload:*'] }],
    createdAt: CREATED,
    updatedAt: CREATED,
    ...fields,
  });

function roles(world: { roles?: RoleEntity[]; holder?: { holderType: string; holderId: string }; writeError?: unknown } = {}) {
  const rows = [...(world.roles ?? [])];
  const inserted: RoleEntity[] = [];
  const updated: Record<string, unknown>[] = [];
  const deleted: string[] = [];
  const changes: unknown[] = [];
  const members: Record<string, unknown> = {
    ...accountTransactions({ changed: (change) => changes.push(change) }),
    list: () => Promise.resolve(rows),
    findById: (accountId: string, id: string) => Promise.resolve(rows.find((r) => r.accountId === accountId && r.id === id) ?? null),
    insert: (_: unknown, r: RoleEntity) => (world.writeError ? Promise.reject(world.writeError) : Promise.resolve(void inserted.push(r))),
    update: (_: unknown, __: string, id: string, patch: Record<string, unknown>) => Promise.resolve(void updated.push({ id, ...patch })),
    delete: (_: unknown, __: string, id: string) => Promise.resolve(void deleted.push(id)),
    firstHolderOf: () => Promise.resolve(world.holder ?? null),
  };
  const service = construct(RoleService, standIns(members, catalog));
  return { service, inserted, updated, deleted, changes };
}

describe('isSystemRole', () => {
  test('names the seven system roles, exactly as written', () => {
    for (const name of SYSTEM_ROLES) expect(isSystemRole(name)).toBe(true);
    for (const name of ['Admin', 'admin ', 'master-admin', '', 'r1', '__proto__', 'toString']) expect(isSystemRole(name)).toBe(false);
  });
});

describe('RoleService reads', () => {
  test('system roles first, in their order, then custom roles', async () => {
    const { roles: listed } = await roles({ roles: [role()] }).service.list('acc');
    expect(listed.map((r) => r.id)).toEqual([...SYSTEM_ROLES, 'r1']);
    expect(listed[0]).toEqual({
      id: 'master_admin',
      name: 'master_admin',
      description: SYSTEM_ROLE_RULES.master_admin.description,
      rules: [{ effect: 'allow', actions: ['*'] }],
      system: true,
    });
    expect(listed.at(-1)).toEqual({
      id: 'r1',
      name: 'Uploaders',
      description: null,
      rules: [{ effect: 'allow', actions: ['upload:*'] }],
      system: false,
      created_at: '2026-11-22T08:00:16Z',
      updated_at: '2026-11-22T08:00:16Z',
    });
  });

  test('a system role is read by its name, without the store; a custom one by its id', async () => {
    const { service } = roles({ roles: [role()] });
    expect(await service.get('acc', 'billing')).toMatchObject({ id: 'billing', system: true });
    expect(await service.get('acc', 'r1')).toMatchObject({ id: 'r1', system: false });
    expect(await refusal(() => service.get('acc', 'r2'))).toEqual({ code: ErrorCode.NotFound, message: 'Role r2 not found' });
  });
});

describe('RoleService.create', () => {
  test('stores the validated rules, and asks the grant check about what the role would hold', async () => {
    const { service, inserted, changes } = roles();
    const dto = await service.create(CALLER, { name: 'Uploaders', rules: [{ effect: 'allow', actions: ['upload:upload'] }] });
    expect(inserted[0]).toMatchObject({
      accountId: 'acc',
      name: 'Uploaders',
      description: null,
      rules: [{ effect: 'allow', actions: ['upload:upload'] }],
    });
    expect(changes).toEqual([
      { subjects: [], widens: true, stores: [{ owner: 'the new role', rules: [{ effect: 'allow', actions: ['upload:upload'] }] }] },
    ]);
    expect(dto).toMatchObject({ id: inserted[0]!.id, system: false });
  });

  test.each(['master_admin', 'Admin', 'MEDIA_LIBRARY_USER'])('the name of a system role (%s), in any case, is taken', async (name) => {
    const { service, inserted } = roles();
    expect(await refusal(() => service.create(CALLER, { name, rules: [] }))).toEqual({
      code: ErrorCode.Conflict,
      message: `Role name "${name}" is the name of a system role`,
    });
    expect(inserted).toEqual([]);
  });

  test('rules are validated against the catalogue before anything is stored', async () => {
    const { service, inserted } = roles();
    const bad = await refusal(() => service.create(CALLER, { name: 'R', rules: [{ effect: 'allow', actions: ['upload:nope'] }] }));
    expect(bad.code).toBe(ErrorCode.InvalidInput);
    expect(bad.message).toContain('upload:nope');
    expect((await refusal(() => service.create(CALLER, { name: 'R', rules: 'all' as unknown as unknown[] }))).message).toBe(
      'rules: must be an array',
    );
    expect(inserted).toEqual([]);
  });

  test('a name taken in the account (the unique index says so) is a 409', async () => {
    const { service } = roles({ writeError: { code: 'SQLITE_CONSTRAINT_UNIQUE' } });
    expect(await refusal(() => service.create(CALLER, { name: 'Uploaders', rules: [] }))).toEqual({
      code: ErrorCode.Conflict,
      message: 'A role named "Uploaders" already exists',
    });
  });
});

describe('RoleService.update and delete', () => {
  test.each(SYSTEM_ROLES)('%s is read-only', async (id) => {
    const { service } = roles();
    const readOnly = { code: ErrorCode.NotAllowed, message: 'System roles are read-only' };
    expect(await refusal(() => service.update(CALLER, id, { name: 'x' }))).toEqual(readOnly);
    expect(await refusal(() => service.delete('acc', id))).toEqual(readOnly);
  });

  test('new rules change every holder at once: the grant check compares them all', async () => {
    const { service, changes, updated } = roles({ roles: [role()] });
    await service.update(CALLER, 'r1', { rules: [{ effect: 'deny', actions: ['upload:destroy'] }] });
    await service.update(CALLER, 'r1', { description: 'only words' });
    expect(changes).toEqual([
      {
        subjects: [{ role: 'r1' }],
        widens: true,
        stores: [{ owner: 'role r1', rules: [{ effect: 'deny', actions: ['upload:destroy'] }] }],
      },
      { subjects: [], widens: false },
    ]);
    expect(updated.map((u) => u.rules)).toEqual([[{ effect: 'deny', actions: ['upload:destroy'] }], undefined]);
  });

  test('renaming to a system role’s name is refused', async () => {
    expect(await refusal(() => roles({ roles: [role()] }).service.update(CALLER, 'r1', { name: 'Billing' }))).toEqual({
      code: ErrorCode.Conflict,
      message: 'Role name "Billing" is the name of a system role',
    });
  });

  test('a role that anyone holds stays, and the refusal says who holds it', async () => {
    const { service, deleted } = roles({ roles: [role()], holder: { holderType: 'group', holderId: 'g1' } });
    expect(await refusal(() => service.delete('acc', 'r1'))).toEqual({
      code: ErrorCode.Conflict,
      message: 'Role "Uploaders" is held by group g1',
    });
    expect(deleted).toEqual([]);
    const free = roles({ roles: [role()] });
    await free.service.delete('acc', 'r1');
    expect(free.deleted).toEqual(['r1']);
  });

  test('a role of another account is not found', async () => {
    expect(await refusal(() => roles({ roles: [role({ accountId: 'other' })] }).service.delete('acc', 'r1'))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Role r1 not found',
    });
  });
});

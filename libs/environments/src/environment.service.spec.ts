import 'reflect-metadata';
import type { Principal } from '@castellan/core';
import { AppError, ErrorCode } from '@castellan/core';
import { CLOUD_NAME_PATTERN } from './dto/environment.dto.js';
import { EnvironmentEntity } from './environment.entity.js';
import { environmentVariable, EnvironmentService, ROOT_ENVIRONMENT_KEY_NAME } from './environment.service.js';
import { accountTransactions, construct, refusal, standIns } from '../../../test/support/stand-ins.js';

// The rules of product environments that need no database: what a new one is made of (its cloud name, its base
// environment's settings, its first key), what can never change after, and how a taken cloud_name is told.
// Everything the service reads and writes is a stand-in that records what it was asked.

const CREATED = new Date('2026-11-22T08:00:16.500Z');

const stored = (fields: Partial<EnvironmentEntity> = {}): EnvironmentEntity =>
  Object.assign(new EnvironmentEntity(), {
    id: 'b'.repeat(32),
    accountId: 'acc',
    cloudName: 'base1',
    name: 'Base',
    description: null,
    enabled: true,
    folderMode: 'fixed',
    assetRecordLocation: 'eu',
    usageLimits: { credits: 5 },
    customAttributes: { team: 'base' },
    createdAt: CREATED,
    updatedAt: CREATED,
    ...fields,
  });

const MAKER = { kind: 'account', accountId: 'acc', environmentIds: null, environmentId: null } as Principal;

interface World {
  environments?: EnvironmentEntity[];
  limit?: number;
  /** What an insert or update throws. */
  writeError?: unknown;
  /** Actions the maker may not perform. */
  refuse?: string[];
}

function environments(world: World = {}) {
  const rows = [...(world.environments ?? [])];
  const inserted: EnvironmentEntity[] = [];
  const updated: { id: string; patch: Record<string, unknown> }[] = [];
  const issued: Record<string, unknown>[] = [];
  const required: { action: string; place: unknown }[] = [];
  const listed: unknown[] = [];
  const stand: Record<string, unknown> = {
    ...accountTransactions({ limit: world.limit }),
    // EnvironmentRepository
    countInAccount: () => Promise.resolve(rows.length),
    findById: (accountId: string, id: string) => Promise.resolve(rows.find((e) => e.accountId === accountId && e.id === id) ?? null),
    list: (_: string, filter: unknown) => Promise.resolve(void listed.push(filter)).then(() => rows),
    insert: (_: unknown, e: EnvironmentEntity) =>
      world.writeError ? Promise.reject(world.writeError) : Promise.resolve(void inserted.push(e)),
    update: (_: string, id: string, patch: Record<string, unknown>) =>
      world.writeError ? Promise.reject(world.writeError) : Promise.resolve(void updated.push({ id, patch })),
    // KeyStore, GrantService, ActionAuthorizer
    listEnabledForEnvironments: () => Promise.resolve([]),
    issue: (_: unknown, __: unknown, request: Record<string, unknown>) =>
      Promise.resolve(void issued.push(request)).then(() => ({
        key: { apiKey: '123456789012345', enabled: true },
        secret: 'cstle_SECRET',
      })),
    require: (_: Principal, action: string, place: unknown) => {
      required.push({ action, place });
      if (world.refuse?.includes(action)) throw AppError.notAllowed(action);
    },
  };
  const service = construct(EnvironmentService, standIns(stand));
  return { service, inserted, updated, issued, required, listed };
}

const duplicate = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' });

describe('environmentVariable', () => {
  test('is CLOUDINARY_URL: cloudinary://key:secret@cloud_name', () => {
    expect(environmentVariable('123456789012345', 'cstle_S', 'product1')).toBe('cloudinary://123456789012345:cstle_S@product1');
  });
});

describe('EnvironmentService.create', () => {
  test('a new environment with the defaults, its cloud name lower-case, and its first key with CLOUDINARY_URL', async () => {
    const { service, inserted, issued } = environments();
    const dto = await service.create(MAKER, { name: 'Product1 Application', cloud_name: 'Product1' });
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toMatchObject({
      accountId: 'acc',
      cloudName: 'product1',
      name: 'Product1 Application',
      description: null,
      enabled: true,
      folderMode: 'dynamic',
      assetRecordLocation: 'us',
      usageLimits: null,
      customAttributes: null,
    });
    expect(inserted[0]!.id).toMatch(/^[0-9a-f]{32}$/);
    expect(issued).toEqual([
      { accountId: 'acc', scope: { kind: 'environment', environmentId: inserted[0]!.id }, name: ROOT_ENVIRONMENT_KEY_NAME, root: true },
    ]);
    expect(ROOT_ENVIRONMENT_KEY_NAME).toBe('Root');
    expect(dto).toMatchObject({
      cloud_name: 'product1',
      id: inserted[0]!.id,
      api_access_keys: [
        {
          key: '123456789012345',
          secret: 'cstle_SECRET',
          enabled: true,
          api_environment_variable: 'cloudinary://123456789012345:cstle_SECRET@product1',
        },
      ],
    });
    expect(dto.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('a generated cloud name is "c" and 12 lower-case letters or digits, a valid cloud name each time', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { service, inserted } = environments();
      await service.create(MAKER, { name: 'P' });
      names.add(inserted[0]!.cloudName);
      expect(inserted[0]!.cloudName).toMatch(/^c[a-z0-9]{12}$/);
      expect(CLOUD_NAME_PATTERN.test(inserted[0]!.cloudName)).toBe(true);
    }
    expect(names.size).toBe(50);
  });

  test("the account's limit: the environment past it is refused", async () => {
    const { service, inserted } = environments({ environments: [stored(), stored({ id: 'c'.repeat(32) })], limit: 2 });
    expect(await refusal(() => service.create(MAKER, { name: 'P' }))).toEqual({
      code: ErrorCode.LimitReached,
      message: 'Product environment limit reached: this account may have at most 2 product environments',
    });
    expect(inserted).toEqual([]);
  });

  test('a base environment gives its settings, never its keys; what the request names wins', async () => {
    const base = stored();
    const { service, inserted, required } = environments({ environments: [base] });
    await service.create(MAKER, { name: 'Copy', base_sub_account_id: base.id });
    expect(inserted[0]).toMatchObject({
      folderMode: 'fixed',
      assetRecordLocation: 'eu',
      usageLimits: { credits: 5 },
      customAttributes: { team: 'base' },
    });
    expect(required).toEqual([{ action: 'provisioning:sub_accounts.read', place: { environmentId: base.id } }]);

    const explicit = environments({ environments: [base] });
    await explicit.service.create(MAKER, {
      name: 'Copy',
      base_sub_account_id: base.id,
      folder_mode: 'dynamic',
      asset_record_location: 'ap',
      usage_limits: { storage_gb: 1 },
      custom_attributes: {},
    });
    expect(explicit.inserted[0]).toMatchObject({
      folderMode: 'dynamic',
      assetRecordLocation: 'ap',
      usageLimits: { storage_gb: 1 },
      customAttributes: {},
    });
  });

  test('a base environment the maker may not read is refused before anything is read', async () => {
    const { service, inserted } = environments({ environments: [stored()], refuse: ['provisioning:sub_accounts.read'] });
    expect(await refusal(() => service.create(MAKER, { name: 'Copy', base_sub_account_id: 'b'.repeat(32) }))).toEqual({
      code: ErrorCode.NotAllowed,
      message: 'Not allowed: provisioning:sub_accounts.read',
    });
    expect(inserted).toEqual([]);
  });

  test('a base environment that is not there is a 404', async () => {
    expect(await refusal(() => environments().service.create(MAKER, { name: 'Copy', base_sub_account_id: 'gone' }))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Product environment gone not found',
    });
  });

  test('a cloud_name taken (the unique index says so) is a 409 naming it lower-case', async () => {
    const { service } = environments({ writeError: duplicate });
    expect(await refusal(() => service.create(MAKER, { name: 'P', cloud_name: 'Taken' }))).toEqual({
      code: ErrorCode.Conflict,
      message: 'cloud_name "taken" is already taken',
    });
  });

  test('any other failure of the write is passed on as it is', async () => {
    const failure = new Error('disk full');
    const { service } = environments({ writeError: failure });
    await expect(service.create(MAKER, { name: 'P', cloud_name: 'x' })).rejects.toBe(failure);
  });
});

describe('EnvironmentService.update', () => {
  const current = stored({ folderMode: 'dynamic', assetRecordLocation: 'us' });

  test('folder_mode and asset_record_location are accepted only unchanged', async () => {
    const { service, updated } = environments({ environments: [current] });
    expect(await refusal(() => service.update('acc', current.id, { folder_mode: 'fixed' }))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'folder_mode cannot change after the product environment is created',
    });
    expect(await refusal(() => service.update('acc', current.id, { asset_record_location: 'eu' }))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'asset_record_location cannot change after the product environment is created',
    });
    expect(updated).toEqual([]);
    await service.update('acc', current.id, { folder_mode: 'dynamic', asset_record_location: 'us', name: 'Renamed' });
    expect(updated).toHaveLength(1);
  });

  test('stores the cloud name lower-case, and leaves out what was not given', async () => {
    const { service, updated } = environments({ environments: [current] });
    await service.update('acc', current.id, { cloud_name: 'NewName', enabled: false });
    expect(updated[0]!.patch).toEqual({
      name: undefined,
      cloudName: 'newname',
      description: undefined,
      enabled: false,
      usageLimits: undefined,
      customAttributes: undefined,
    });
  });

  test("another account's environment, or none, is a 404", async () => {
    const { service } = environments({ environments: [current] });
    expect(await refusal(() => service.update('other', current.id, { name: 'x' }))).toEqual({
      code: ErrorCode.NotFound,
      message: `Product environment ${current.id} not found`,
    });
  });

  test('a cloud_name taken is a 409', async () => {
    const { service } = environments({
      environments: [current],
      writeError: Object.assign(new Error('x'), { driverError: { code: 'SQLITE_CONSTRAINT_UNIQUE' } }),
    });
    expect(await refusal(() => service.update('acc', current.id, { cloud_name: 'OTHER' }))).toEqual({
      code: ErrorCode.Conflict,
      message: 'cloud_name "other" is already taken',
    });
  });
});

describe('EnvironmentService reads', () => {
  test('an environment on the wire, its enabled keys oldest first', async () => {
    const { service } = environments({ environments: [stored({ description: 'd' })] });
    expect(await service.get('acc', 'b'.repeat(32))).toEqual({
      cloud_name: 'base1',
      name: 'Base',
      enabled: true,
      id: 'b'.repeat(32),
      description: 'd',
      folder_mode: 'fixed',
      asset_record_location: 'eu',
      usage_limits: { credits: 5 },
      custom_attributes: { team: 'base' },
      api_access_keys: [],
      created_at: '2026-11-22T08:00:16Z',
      updated_at: '2026-11-22T08:00:16Z',
    });
  });

  test('a list reads only where the caller reaches', async () => {
    const { service, listed } = environments();
    await service.list({ ...MAKER, kind: 'user', environmentIds: ['e1'] }, { enabled: true, prefix: 'Pro' });
    await service.list({ ...MAKER, kind: 'environment', environmentId: 'e9' }, {});
    await service.list(MAKER, { ids: ['e1'], cloud_names: ['product1'] });
    expect(listed).toEqual([
      { enabled: true, ids: undefined, cloudNames: undefined, namePrefix: 'Pro', within: ['e1'] },
      { enabled: undefined, ids: undefined, cloudNames: undefined, namePrefix: undefined, within: ['e9'] },
      { enabled: undefined, ids: ['e1'], cloudNames: ['product1'], namePrefix: undefined, within: null },
    ]);
  });
});

import 'reflect-metadata';
import { ErrorCode } from '@castellan/core';
import { AccountEntity } from './account.entity.js';
import { accountUrl, AccountService } from './account.service.js';
import { credentialLines, UpdateAccountDto } from './dto/account.dto.js';
import { validated } from '../../../test/support/dto-validation.js';
import { construct, refusal } from '../../../test/support/stand-ins.js';

// An account's name rules (the API's rename, and the CLI and first start, which create accounts without the API),
// its paste-ready URL, and its wire shape, without a database.

/**
 * Stands for every dependency of the service at once, whatever their order: a method named in `answers` gives that
 * answer, any other method resolves to undefined. The work of a transaction is not run.
 */
function dependencies(answers: Record<string, unknown> = {}): unknown {
  return new Proxy(
    {},
    { get: (_, name) => (name === 'then' ? undefined : name in answers ? answers[name as string] : () => Promise.resolve(undefined)) },
  );
}

const service = (answers: Record<string, unknown> = {}) => construct(AccountService, dependencies(answers));

describe('accountUrl and credentialLines', () => {
  test('CLOUDINARY_ACCOUNT_URL is account://key:secret@account', () => {
    expect(accountUrl('814814814814814', 'cstla_S', '16a8ff3b-736b-49a6-85c0-03b69d5a357b')).toBe(
      'account://814814814814814:cstla_S@16a8ff3b-736b-49a6-85c0-03b69d5a357b',
    );
  });

  test('the banner lines align their values, and leave the account name out', () => {
    const lines = credentialLines({
      account_id: 'acc',
      name: 'Acme',
      api_key: '1',
      api_secret: 'cstla_S',
      account_url: 'account://1:cstla_S@acc',
    });
    expect(lines).toEqual([
      '   account_id   acc',
      '   api_key      1',
      '   api_secret   cstla_S',
      '   account_url  account://1:cstla_S@acc',
    ]);
    expect(new Set(lines.map((line) => /^ {3}\S+ +/.exec(line)![0].length)).size).toBe(1);
  });
});

describe('UpdateAccountDto (rename)', () => {
  const rename = (body: unknown) => validated(UpdateAccountDto, body);

  test('the name is trimmed, and unicode is kept as it is', async () => {
    expect(await rename({ name: '  Ääkkönen & Søn – 株式会社 🐈 ' })).toMatchObject({ name: 'Ääkkönen & Søn – 株式会社 🐈' });
  });

  test.each([
    ['no name', {}, 'name is required'],
    ['""', { name: '' }, 'name is required'],
    ['a blank name', { name: ' \t ' }, 'name is required'],
    ['null', { name: null }, 'name is required'],
    ['a list', { name: ['Acme'] }, 'name must be a string'],
    ['256 characters', { name: 'x'.repeat(256) }, 'name must be at most 255 characters'],
    ['a bell', { name: 'Acme\u0007' }, 'name must not contain control characters'],
    ['DEL', { name: 'Ac\u007fme' }, 'name must not contain control characters'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refusal(() => rename(body))).toEqual({ code: ErrorCode.InvalidInput, message });
  });

  test('255 characters are allowed', async () => {
    expect(await rename({ name: 'x'.repeat(255) })).toMatchObject({ name: 'x'.repeat(255) });
  });
});

describe('AccountService.create: the same name rules for the CLI and the first start', () => {
  test.each([
    ['""', '', 'name must be 1 to 255 characters'],
    ['a blank name', '   ', 'name must be 1 to 255 characters'],
    ['256 characters', 'x'.repeat(256), 'name must be 1 to 255 characters'],
    ['a NUL', 'Acme\u0000', 'name must not contain control characters'],
    ['a terminal escape', 'Acme\u001b[31m', 'name must not contain control characters'],
  ])('%s is refused before any transaction', async (_, name, message) => {
    let transactions = 0;
    const refused = await refusal(() => service({ run: () => Promise.resolve(++transactions) }).create(name));
    expect(refused).toEqual({ code: ErrorCode.InvalidInput, message });
    expect(transactions).toBe(0);
  });

  test.each([
    ['a name', 'Acme'],
    ['a name with spaces around', '  Acme  '],
    ['255 characters', 'x'.repeat(255)],
    ['a tab', 'Line one\tand a tab'],
  ])('%s goes on to its transaction', async (_, name) => {
    let transactions = 0;
    await service({ run: () => Promise.resolve(++transactions) }).create(name);
    expect(transactions).toBe(1);
  });

  // Create counts characters as the API's rename does (class-validator's maxLength), not UTF-16 units.
  test('a name the rename accepts (200 emoji) is accepted by create too, and 256 emoji by neither', async () => {
    const name = '🐈'.repeat(200);
    await validated(UpdateAccountDto, { name });
    await service({ run: () => Promise.resolve() }).create(name);
    expect(await refusal(() => service().create('🐈'.repeat(256)))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'name must be 1 to 255 characters',
    });
  });
});

describe('AccountService.setEnvironmentLimit', () => {
  test.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [100_001], [2 ** 53]])('%p is refused', async (limit) => {
    expect(await refusal(() => service().setEnvironmentLimit('acc', limit))).toEqual({
      code: ErrorCode.InvalidInput,
      message: 'product_environments must be a whole number from 0 to 100000',
    });
  });

  test.each([[0], [100_000]])('%p is a limit (the account is looked up next)', async (limit) => {
    // The stand-in repository updates nothing, so the account is not found: the limit itself passed.
    expect(await refusal(() => service().setEnvironmentLimit('acc', limit))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Account acc not found',
    });
  });
});

describe('AccountService.get: the wire shape', () => {
  test('endpoints under the public URL, limits, and timestamps to the second', async () => {
    const account = Object.assign(new AccountEntity(), {
      id: '16a8ff3b-736b-49a6-85c0-03b69d5a357b',
      name: 'Acme',
      maxProductEnvironments: 3,
      lockVersion: 7,
      createdAt: new Date('2026-11-22T08:00:16.999Z'),
      updatedAt: new Date('2026-11-22T08:00:17.000Z'),
    });
    const dto = await service({ findById: () => Promise.resolve(account), publicUrl: 'https://castellan.example' }).get(account.id);
    expect(dto).toEqual({
      id: account.id,
      name: 'Acme',
      limits: { product_environments: 3 },
      endpoints: {
        provisioning_api: `https://castellan.example/v1_1/provisioning/accounts/${account.id}`,
        authorize: 'https://castellan.example/v1_1/authorize',
        docs: 'https://castellan.example/docs',
      },
      created_at: '2026-11-22T08:00:16Z',
      updated_at: '2026-11-22T08:00:17Z',
    });
  });

  test('an account that is not there is a 404 naming it', async () => {
    expect(await refusal(() => service({ findById: () => Promise.resolve(null) }).get('nope'))).toEqual({
      code: ErrorCode.NotFound,
      message: 'Account nope not found',
    });
  });
});

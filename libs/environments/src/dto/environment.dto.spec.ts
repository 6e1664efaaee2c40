import 'reflect-metadata';
import { CLOUD_NAME_PATTERN, CreateEnvironmentDto, ListEnvironmentsDto, UpdateEnvironmentDto } from './environment.dto.js';
import { accepted, refused } from '../../../../test/support/dto-validation.js';

// A product environment's fields: cloud_name's rules (letters, digits, "_" and "-", at most 64), the settings fixed at
// creation, the free-form and nested fields, and the list filters.

describe('cloud_name', () => {
  test.each(['product1', 'Product_1-staging', 'a', '0', '-', 'x'.repeat(64)])('%s is a cloud name', async (cloud_name) => {
    expect(await accepted(CreateEnvironmentDto, { name: 'P', cloud_name })).toEqual({ name: 'P', cloud_name });
  });

  test('it is kept as given, around spaces trimmed: the service stores it lower-case', async () => {
    expect(await accepted(CreateEnvironmentDto, { name: 'P', cloud_name: '  MyCloud  ' })).toEqual({ name: 'P', cloud_name: 'MyCloud' });
  });

  test('"" and blanks are no cloud name: one is generated', async () => {
    expect(await accepted(CreateEnvironmentDto, { name: 'P', cloud_name: '' })).toEqual({ name: 'P' });
    expect(await accepted(CreateEnvironmentDto, { name: 'P', cloud_name: '   ' })).toEqual({ name: 'P' });
  });

  test.each([
    ['a space', 'my cloud'],
    ['a dot', 'my.cloud'],
    ['a path', '../etc'],
    ['a slash', 'a/b'],
    ['an accent', 'café'],
    ['a dotless i, which lower-cases to itself', 'ıstanbul'],
    ['a capital I with a dot, which lower-cases to two characters', 'İstanbul'],
    ['Arabic digits', '١٢٣'],
    ['full-width letters', 'ｐｒｏｄｕｃｔ'],
    ['an emoji', 'cat🐈'],
    ['a URL', 'https://evil.example'],
    ['SQL', "x' OR '1'='1"],
    ['a percent', '100%'],
  ])('%s is refused', async (_, cloud_name) => {
    expect(await refused(CreateEnvironmentDto, { name: 'P', cloud_name })).toBe('cloud_name may contain only letters, digits, "_" and "-"');
  });

  test('65 characters are too many; a control character is outside the alphabet', async () => {
    expect(await refused(CreateEnvironmentDto, { name: 'P', cloud_name: 'x'.repeat(65) })).toBe('cloud_name must be at most 64 characters');
    expect(await refused(CreateEnvironmentDto, { name: 'P', cloud_name: 'a\u0000b' })).toBe(
      'cloud_name may contain only letters, digits, "_" and "-"',
    );
  });

  test('the pattern is anchored and ASCII-only', () => {
    expect(CLOUD_NAME_PATTERN.test('ok\nnot ok')).toBe(false);
    expect(CLOUD_NAME_PATTERN.test('')).toBe(false);
    expect(CLOUD_NAME_PATTERN.flags).toBe('');
  });
});

describe('CreateEnvironmentDto', () => {
  test('every field as a form or JSON body gives it', async () => {
    const body = {
      name: '  Product1 Application  ',
      description: 'Two\nlines',
      enabled: 'false',
      custom_attributes: '{"team":"mobile","nested":{"level":2}}',
      folder_mode: 'fixed',
      asset_record_location: 'eu',
      usage_limits: { credits: '10.5', storage_gb: 0 },
      base_sub_account_id: 'b'.repeat(32),
    };
    expect(await accepted(CreateEnvironmentDto, body)).toEqual({
      name: 'Product1 Application',
      description: 'Two\nlines',
      enabled: false,
      custom_attributes: { team: 'mobile', nested: { level: 2 } },
      folder_mode: 'fixed',
      asset_record_location: 'eu',
      usage_limits: { credits: 10.5, storage_gb: 0 },
      base_sub_account_id: 'b'.repeat(32),
    });
  });

  test('usage limits may come as JSON text', async () => {
    expect(await accepted(CreateEnvironmentDto, { name: 'P', usage_limits: '{"bandwidth_gb":"3","transformations":100}' })).toEqual({
      name: 'P',
      usage_limits: { bandwidth_gb: 3, transformations: 100 },
    });
  });

  test.each([
    ['no name', {}, 'name is required'],
    ['a name of 256 characters', { name: 'n'.repeat(256) }, 'name must be at most 255 characters'],
    ['a description of 1001 characters', { name: 'P', description: 'd'.repeat(1001) }, 'description must be at most 1000 characters'],
    ['an unknown folder mode', { name: 'P', folder_mode: 'static' }, 'folder_mode must be one of: dynamic, fixed'],
    ['an unknown record location', { name: 'P', asset_record_location: 'mars' }, 'asset_record_location must be one of: us, eu, ap'],
    ['custom attributes that are a list', { name: 'P', custom_attributes: ['a'] }, 'custom_attributes must be a JSON object'],
    ['custom attributes that are not JSON', { name: 'P', custom_attributes: '{team:mobile}' }, 'custom_attributes must be a JSON object'],
    [
      'custom attributes over 16 KiB',
      { name: 'P', custom_attributes: { x: 'y'.repeat(16_400) } },
      'custom_attributes must be at most 16384 bytes of JSON',
    ],
    ['usage limits that are a number', { name: 'P', usage_limits: 5 }, 'usage_limits must be a JSON object'],
    ['a negative limit', { name: 'P', usage_limits: { credits: -1 } }, 'usage_limits.credits must be at least 0'],
    ['a limit that is text', { name: 'P', usage_limits: { credits: 'lots' } }, 'usage_limits.credits must be a number'],
    ['an infinite limit', { name: 'P', usage_limits: { storage_gb: 'Infinity' } }, 'usage_limits.storage_gb must be a number'],
    ['a base id of 65 characters', { name: 'P', base_sub_account_id: 'b'.repeat(65) }, 'base_sub_account_id must be at most 64 characters'],
    ['enabled "maybe"', { name: 'P', enabled: 'maybe' }, 'enabled must be true or false'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(CreateEnvironmentDto, body)).toBe(message);
  });

  test('unknown usage limits and unknown fields are dropped', async () => {
    expect(
      await accepted(CreateEnvironmentDto, { name: 'P', usage_limits: { credits: 1, admin: true }, account_id: 'other', id: 'mine' }),
    ).toEqual({
      name: 'P',
      usage_limits: { credits: 1 },
    });
  });

  test('custom attributes keep any JSON inside them, unicode and all', async () => {
    const custom_attributes = { ключ: 'значение', list: [1, 'two', null], flag: false };
    expect(await accepted(CreateEnvironmentDto, { name: 'P', custom_attributes })).toEqual({ name: 'P', custom_attributes });
  });
});

describe('UpdateEnvironmentDto', () => {
  test('every field is optional, and the base environment is not a field of an update', async () => {
    expect(await accepted(UpdateEnvironmentDto, {})).toEqual({});
    expect(await accepted(UpdateEnvironmentDto, { base_sub_account_id: 'b1', enabled: '1' })).toEqual({ enabled: true });
  });

  test('the fields keep their create rules', async () => {
    expect(await refused(UpdateEnvironmentDto, { cloud_name: 'no spaces' })).toBe(
      'cloud_name may contain only letters, digits, "_" and "-"',
    );
    expect(await refused(UpdateEnvironmentDto, { name: 'n'.repeat(256) })).toBe('name must be at most 255 characters');
    expect(await refused(UpdateEnvironmentDto, { folder_mode: 'FIXED' })).toBe('folder_mode must be one of: dynamic, fixed');
  });
});

describe('ListEnvironmentsDto', () => {
  test('lists come repeated, bracketed or comma-joined; blanks between commas are dropped', async () => {
    expect(await accepted(ListEnvironmentsDto, { ids: ['a', 'b,c'], cloud_names: 'x, ,y,', enabled: '0', prefix: ' Prod ' })).toEqual({
      ids: ['a', 'b', 'c'],
      cloud_names: ['x', 'y'],
      enabled: false,
      prefix: 'Prod',
    });
    expect(await accepted(ListEnvironmentsDto, { ids: ',', cloud_names: '' })).toEqual({});
  });

  test.each([
    ['101 ids', { ids: Array.from({ length: 101 }, (_, i) => `e${i}`) }, 'ids may hold at most 100 values'],
    ['a cloud name of 65 characters', { cloud_names: 'c'.repeat(65) }, 'each of cloud_names must be at most 64 characters'],
    ['an id that is an object', { ids: [{ id: 'a' }] }, 'ids must hold strings'],
    ['a control character in a prefix', { prefix: 'a\u0007' }, 'prefix must not contain control characters'],
    ['enabled "yes"', { enabled: 'yes' }, 'enabled must be true or false'],
  ])('%s is refused', async (_, query, message) => {
    expect(await refused(ListEnvironmentsDto, query)).toBe(message);
  });
});

import { describe, expect, it } from 'vitest';
import {
  checkCreateEnvironment,
  checkEnvironmentSettings,
  cloudNameError,
  emptyCreateForm,
  parseAttributes,
  parseLimit,
  settingsForm,
} from './forms';
import type { Environment } from './types';

const env: Environment = {
  id: 'e1',
  cloud_name: 'product1',
  name: 'Product 1',
  enabled: true,
  description: 'Mobile',
  folder_mode: 'fixed',
  asset_record_location: 'eu',
  usage_limits: { credits: 500 },
  custom_attributes: { team: 'mobile' },
  api_access_keys: [],
  created_at: '2026-11-22T01:32:51Z',
  updated_at: '2026-11-22T01:32:51Z',
};

describe('field rules', () => {
  it('takes cloud names of letters, digits, _ and -, up to 64', () => {
    expect(cloudNameError('')).toBeUndefined();
    expect(cloudNameError('Prod_1-eu')).toBeUndefined();
    expect(cloudNameError('prod 1')).toMatch(/letters, digits/);
    expect(cloudNameError('prod.1')).toMatch(/letters, digits/);
    expect(cloudNameError('é')).toMatch(/letters, digits/);
    expect(cloudNameError('a'.repeat(64))).toBeUndefined();
    expect(cloudNameError('a'.repeat(65))).toMatch(/64/);
  });

  it('reads limits and custom attributes', () => {
    expect(parseLimit('')).toEqual({ value: undefined });
    expect(parseLimit('2.5')).toEqual({ value: 2.5 });
    expect(parseLimit('-1').error).toBeDefined();
    expect(parseLimit('lots').error).toBeDefined();
    expect(parseAttributes(' ')).toEqual({ value: undefined });
    expect(parseAttributes('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseAttributes('[1]').error).toBeDefined();
    expect(parseAttributes('null').error).toBeDefined();
    expect(parseAttributes('{').error).toBeDefined();
  });
});

describe('checkCreateEnvironment', () => {
  it('refuses a form without a name or with a bad cloud name, naming each field', () => {
    const checked = checkCreateEnvironment({
      ...emptyCreateForm(),
      cloudName: 'bad name',
      limits: { ...emptyCreateForm().limits, credits: 'x' },
    });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.errors).sort()).toEqual(['cloudName', 'credits', 'name']);
  });

  it('sends only what was given, trimmed', () => {
    expect(checkCreateEnvironment({ ...emptyCreateForm(), name: ' Shop ' })).toEqual({ ok: true, body: { name: 'Shop' } });
    const full = checkCreateEnvironment({
      name: 'Shop',
      cloudName: 'shop-1',
      description: 'Assets',
      folderMode: 'fixed',
      recordLocation: 'ap',
      baseId: 'e1',
      limits: { credits: '10', storage_gb: '', bandwidth_gb: '0', transformations: '' },
      attributes: '{"team":"web"}',
    });
    expect(full).toEqual({
      ok: true,
      body: {
        name: 'Shop',
        cloud_name: 'shop-1',
        description: 'Assets',
        folder_mode: 'fixed',
        asset_record_location: 'ap',
        base_sub_account_id: 'e1',
        usage_limits: { credits: 10, bandwidth_gb: 0 },
        custom_attributes: { team: 'web' },
      },
    });
  });
});

describe('checkEnvironmentSettings', () => {
  it('sends nothing when nothing changed', () => {
    expect(checkEnvironmentSettings(settingsForm(env), env)).toEqual({ ok: true, body: {} });
  });

  it('sends only the changed fields; a cloud name differing only in case is unchanged', () => {
    const form = { ...settingsForm(env), name: 'Renamed', cloudName: 'PRODUCT1', attributes: '' };
    expect(checkEnvironmentSettings(form, env)).toEqual({ ok: true, body: { name: 'Renamed', custom_attributes: {} } });
  });

  it('replaces usage limits as a whole', () => {
    const form = settingsForm(env);
    form.limits = { ...form.limits, storage_gb: '5' };
    expect(checkEnvironmentSettings(form, env)).toEqual({ ok: true, body: { usage_limits: { credits: 500, storage_gb: 5 } } });
  });

  it('requires a name and a cloud name', () => {
    const checked = checkEnvironmentSettings({ ...settingsForm(env), name: '', cloudName: '' }, env);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors).toEqual({ name: 'Enter a name', cloudName: 'Enter a cloud name' });
  });
});

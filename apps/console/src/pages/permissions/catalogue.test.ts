import { describe, expect, it } from 'vitest';
import { attributesForPatterns, type Catalog, commonAttributes, excludedPrefixes, patternsOf, pluginsFor } from './catalogue';
import { account, catalog, environment } from './test-fixtures';

describe('the catalogue for a kind of key', () => {
  it('hides the provisioning plugin from environment keys only', () => {
    expect(environment.map((p) => p.name)).toEqual(['upload', 'admin']);
    expect(account.map((p) => p.name)).toEqual(['provisioning', 'upload', 'admin']);
  });

  it('lists every pattern with a row: *, then per plugin its wildcard and its actions', () => {
    expect(patternsOf(environment)).toEqual([
      '*',
      'upload:*',
      'upload:upload',
      'upload:destroy',
      'admin:*',
      'admin:resources.read',
      'admin:resources.delete',
    ]);
  });

  it('offers only the attributes that every covered action declares with one type', () => {
    expect(commonAttributes(catalog.plugins[1]!.actions).map((a) => a.name)).toEqual(['folder', 'resource_type', 'tags']);
    expect(attributesForPatterns(['upload:destroy'], environment).map((a) => a.name)).toEqual(['folder', 'resource_type', 'tags']);
    // admin:resources.delete declares resource_type as a number: only folder is common to all four actions.
    expect(attributesForPatterns(['*'], environment).map((a) => a.name)).toEqual(['folder']);
    expect(attributesForPatterns(['provisioning:*'], account)).toEqual([]);
    expect(attributesForPatterns(['nothing:*'], account)).toEqual([]);
  });

  it('leaves out what the catalogue says a kind of key never holds, and nothing for a kind it lists without exclusions', () => {
    expect(excludedPrefixes(catalog, 'environment')).toEqual(['provisioning:']);
    expect(pluginsFor(catalog, 'user')).toEqual(catalog.plugins);
    const narrower: Catalog = { ...catalog, key_kinds: [{ kind: 'account', excluded_prefixes: ['admin:resources.d'] }] };
    expect(pluginsFor(narrower, 'account').flatMap((p) => p.actions.map((a) => a.name))).toEqual([
      'provisioning:sub_accounts.read',
      'provisioning:access_keys.permissions.update',
      'upload:upload',
      'upload:destroy',
      'admin:resources.read',
    ]);
    expect(pluginsFor({ ...catalog, key_kinds: [] }, 'environment')).toEqual(catalog.plugins);
  });
});

import type { ApiKeyEntity } from '@castellan/credentials';
import { ANY_IP, NEVER } from '@castellan/core';
import { DEFAULT_PAGE_SIZE } from './dto/access-key.dto.js';
import { keyPage, presentIssued, presentKey, settingsPatch } from './key-presenter.js';

// The wire shape of keys, without a database: what every key route answers, and what a request's settings store.

const CREATED = new Date('2026-11-22T08:00:16.789Z');
const UPDATED = new Date('2026-11-23T09:30:00.001Z');
const HOUR = 3_600_000;

const key = (fields: Partial<ApiKeyEntity> = {}): ApiKeyEntity =>
  Object.assign({} as ApiKeyEntity, {
    id: 'k'.repeat(32),
    accountId: '16a8ff3b-736b-49a6-85c0-03b69d5a357b',
    environmentId: 'e'.repeat(32),
    kind: 'environment',
    apiKey: '814814814814814',
    secretHash: 'h'.repeat(64),
    name: 'main_key',
    description: null,
    enabled: true,
    root: false,
    dedicatedFor: null,
    userId: null,
    rules: null,
    lastUsedAt: null,
    lastUsedIp: null,
    expiresAt: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    allowedIps: null,
    rateLimitPerMinute: null,
    createdAt: CREATED,
    updatedAt: UPDATED,
    ...fields,
  });

describe('keyPage', () => {
  test('a query that names nothing reads the first page of the default size, newest first', () => {
    expect(keyPage({})).toEqual({ pageSize: DEFAULT_PAGE_SIZE, page: 1, sortBy: 'created_at', sortOrder: 'desc' });
  });

  test('what the query names is kept as it is', () => {
    expect(keyPage({ page_size: 7, page: 3, sort_by: 'name', sort_order: 'asc' })).toEqual({
      pageSize: 7,
      page: 3,
      sortBy: 'name',
      sortOrder: 'asc',
    });
  });
});

describe('presentKey', () => {
  test("a key without secret, in the field order of Cloudinary's answers, timestamps to the second in UTC", () => {
    const dto = presentKey(key());
    expect(Object.keys(dto)).toEqual([
      'name',
      'api_key',
      'created_at',
      'updated_at',
      'enabled',
      'root',
      'description',
      'last_used_at',
      'last_used_ip',
      'expires_at',
      'previous_secret_expires_at',
      'allowed_ips',
      'rate_limit_per_minute',
    ]);
    expect(dto).toEqual({
      name: 'main_key',
      api_key: '814814814814814',
      created_at: '2026-11-22T08:00:16Z',
      updated_at: '2026-11-23T09:30:00Z',
      enabled: true,
      root: false,
      description: null,
      last_used_at: null,
      last_used_ip: null,
      expires_at: null,
      previous_secret_expires_at: null,
      allowed_ips: null,
      rate_limit_per_minute: null,
    });
  });

  test('never shows the stored hashes, the rules or the internal ids', () => {
    const text = JSON.stringify(presentKey(key({ previousSecretHash: 'p'.repeat(64), rules: [{ effect: 'allow', actions: ['*'] }] })));
    for (const hidden of ['h'.repeat(64), 'p'.repeat(64), 'k'.repeat(32), 'e'.repeat(32), 'secret_hash', 'rules', 'account_id']) {
      expect(text).not.toContain(hidden);
    }
  });

  test('settings and the last use are shown as stored', () => {
    const dto = presentKey(
      key({
        lastUsedAt: new Date('2026-12-01T10:00:00.500Z'),
        lastUsedIp: '203.0.113.7',
        expiresAt: new Date('2027-01-01T00:00:00Z'),
        allowedIps: ['10.0.0.0/8', '2001:db8::/32'],
        rateLimitPerMinute: 60,
        description: 'Für die Ünicode-Tests ✓',
        enabled: false,
        root: true,
      }),
    );
    expect(dto).toMatchObject({
      last_used_at: '2026-12-01T10:00:00Z',
      last_used_ip: '203.0.113.7',
      expires_at: '2027-01-01T00:00:00Z',
      allowed_ips: ['10.0.0.0/8', '2001:db8::/32'],
      rate_limit_per_minute: 60,
      description: 'Für die Ünicode-Tests ✓',
      enabled: false,
      root: true,
    });
  });

  test('dedicated_for is a list of the one purpose, and absent when the key has none', () => {
    const dedicated = presentKey(key({ dedicatedFor: 'webhooks' }));
    expect(dedicated.dedicated_for).toEqual(['webhooks']);
    expect(Object.keys(dedicated).indexOf('dedicated_for')).toBe(Object.keys(dedicated).indexOf('enabled') + 1);
    expect('dedicated_for' in presentKey(key())).toBe(false);
  });

  test("the previous secret's grace period is shown only while it lasts", () => {
    const ahead = new Date(Date.now() + HOUR);
    expect(presentKey(key({ previousSecretExpiresAt: ahead })).previous_secret_expires_at).toBe(
      ahead.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
    expect(presentKey(key({ previousSecretExpiresAt: new Date(Date.now() - 1) })).previous_secret_expires_at).toBeNull();
  });

  test('the secret and its paste-ready form only when revealed, the form last', () => {
    const dto = presentKey(key(), { secret: 'cstle_s', asUrl: 'cloudinary://x', urlField: 'api_environment_variable' });
    expect(Object.keys(dto).slice(0, 3)).toEqual(['name', 'api_key', 'api_secret']);
    expect(Object.keys(dto).at(-1)).toBe('api_environment_variable');
    expect(dto).toMatchObject({ api_secret: 'cstle_s', api_environment_variable: 'cloudinary://x' });
    expect('account_url' in dto).toBe(false);
  });
});

describe('presentIssued', () => {
  test("an environment key's secret comes with CLOUDINARY_URL for its cloud name", () => {
    const dto = presentIssued({ key: key(), secret: 'cstle_SECRET' }, 'product1');
    expect(dto.api_secret).toBe('cstle_SECRET');
    expect(dto.api_environment_variable).toBe('cloudinary://814814814814814:cstle_SECRET@product1');
    expect('account_url' in dto).toBe(false);
  });

  test('any other key gets CLOUDINARY_ACCOUNT_URL, with its account', () => {
    const dto = presentIssued({ key: key({ kind: 'account', environmentId: null }), secret: 'cstla_SECRET' });
    expect(dto.account_url).toBe('account://814814814814814:cstla_SECRET@16a8ff3b-736b-49a6-85c0-03b69d5a357b');
    expect('api_environment_variable' in dto).toBe(false);
  });
});

describe('settingsPatch', () => {
  test('the words that clear a setting store null', () => {
    expect(settingsPatch({ expires_at: NEVER, allowed_ips: ANY_IP, rate_limit_per_minute: 0 })).toEqual({
      expiresAt: null,
      allowedIps: null,
      rateLimitPerMinute: null,
    });
  });

  test('values are stored as given', () => {
    const at = new Date('2027-01-01T00:00:00Z');
    expect(settingsPatch({ expires_at: at, allowed_ips: ['10.0.0.0/8'], rate_limit_per_minute: 1 })).toEqual({
      expiresAt: at,
      allowedIps: ['10.0.0.0/8'],
      rateLimitPerMinute: 1,
    });
  });

  test('what is not given stays undefined, so that an update keeps it', () => {
    const patch = settingsPatch({});
    expect(patch).toEqual({ expiresAt: undefined, allowedIps: undefined, rateLimitPerMinute: undefined });
    expect(Object.values(patch).every((v) => v === undefined)).toBe(true);
  });
});

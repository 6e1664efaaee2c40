import { describe, expect, it } from 'vitest';
import { type ApiKeyRecord, issuedSecret } from './keys';

const key: ApiKeyRecord = {
  name: 'terraform',
  api_key: '349163878808622',
  created_at: '2026-11-22T01:32:51Z',
  updated_at: '2026-11-22T01:32:51Z',
  enabled: true,
  root: false,
  description: null,
  last_used_at: null,
  last_used_ip: null,
  expires_at: null,
  previous_secret_expires_at: null,
  allowed_ips: null,
  rate_limit_per_minute: null,
};

describe('issued secrets', () => {
  it('keeps the secret and the account URL of a generate or rotate answer', () => {
    expect(issuedSecret(key)).toBeNull();
    expect(issuedSecret({ ...key, api_secret: 'cstla_abc', account_url: 'account://349163878808622:cstla_abc@acc', previous_secret_expires_at: '2026-11-22T02:32:51Z' })).toEqual({
      apiKey: '349163878808622',
      secret: 'cstla_abc',
      connection: { label: 'Account URL', value: 'account://349163878808622:cstla_abc@acc' },
      previousSecretExpiresAt: '2026-11-22T02:32:51Z',
    });
  });
});

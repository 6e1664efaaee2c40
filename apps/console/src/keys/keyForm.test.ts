import { describe, expect, it } from 'vitest';
import { checkEditKey, checkGenerateKey, emptyGenerateForm, GRACE_PERIODS, splitIps } from './keyForm';
import { type ApiKey, issuedSecret } from './keys';

const key: ApiKey = {
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
  it('keeps the secret and the account URL of an account or user key', () => {
    expect(issuedSecret(key)).toBeNull();
    expect(
      issuedSecret({
        ...key,
        api_secret: 'cstla_abc',
        account_url: 'account://349163878808622:cstla_abc@acc',
        previous_secret_expires_at: '2026-11-22T02:32:51Z',
      }),
    ).toEqual({
      apiKey: '349163878808622',
      secret: 'cstla_abc',
      connection: { label: 'Account URL', value: 'account://349163878808622:cstla_abc@acc' },
      previousSecretExpiresAt: '2026-11-22T02:32:51Z',
    });
  });

  it("keeps an environment key's CLOUDINARY_URL", () => {
    expect(issuedSecret({ ...key, api_secret: 's', api_environment_variable: 'cloudinary://k:s@cloud' })?.connection).toEqual({
      label: 'CLOUDINARY_URL',
      value: 'cloudinary://k:s@cloud',
    });
  });
});

describe('checkGenerateKey', () => {
  const now = new Date('2026-12-01T00:00:00Z');

  it('allows an empty form: the API names the key', () => {
    expect(checkGenerateKey(emptyGenerateForm(), now)).toEqual({ ok: true, body: {} });
  });

  it('turns the settings into the API fields', () => {
    const checked = checkGenerateKey(
      { name: ' ci ', description: '', expiresAt: '2027-01-01T00:00:00Z', allowedIps: '10.0.0.0/8, 192.168.1.7\n::1', rateLimit: '60' },
      now,
    );
    expect(checked).toEqual({
      ok: true,
      body: {
        name: 'ci',
        expires_at: '2027-01-01T00:00:00.000Z',
        allowed_ips: ['10.0.0.0/8', '192.168.1.7', '::1'],
        rate_limit_per_minute: 60,
      },
    });
    expect(checkGenerateKey({ ...emptyGenerateForm(), rateLimit: '0' }, now)).toEqual({ ok: true, body: {} });
  });

  it('refuses a past expiry, a bad rate limit and too many addresses', () => {
    const checked = checkGenerateKey(
      {
        name: '',
        description: '',
        expiresAt: '2026-11-01T00:00:00Z',
        allowedIps: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`).join(','),
        rateLimit: '1.5',
      },
      now,
    );
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.errors).sort()).toEqual(['allowedIps', 'expiresAt', 'rateLimit']);
    expect(checkGenerateKey({ ...emptyGenerateForm(), rateLimit: '1000001' }, now).ok).toBe(false);
  });

  it('splits address lists on commas, spaces and lines', () => {
    expect(splitIps(' a, b\nc  d,,')).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('checkEditKey', () => {
  it('sends only what changed, and nothing when nothing did', () => {
    expect(checkEditKey({ name: ' terraform ', description: '' }, key)).toEqual({ ok: true, body: {} });
    expect(checkEditKey({ name: 'ci', description: 'Deploys' }, key)).toEqual({ ok: true, body: { name: 'ci', description: 'Deploys' } });
    expect(checkEditKey({ name: ' ', description: '' }, key)).toEqual({ ok: false, errors: { name: 'Enter a name' } });
  });
});

it('offers grace periods within the API range (0 to 604800 seconds)', () => {
  expect(GRACE_PERIODS.map((g) => g.seconds)).toEqual([0, 600, 3600, 86_400, 604_800]);
});

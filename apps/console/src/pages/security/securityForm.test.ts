import { describe, expect, it } from 'vitest';
import {
  certificateStatus,
  distinguishedNameParts,
  fieldOfApiError,
  ipList,
  type SecuritySettings,
  securityBody,
  securityFormValues,
  validateSecurity,
} from './securityForm';

const defaults: SecuritySettings = {
  two_factor: 'optional',
  saml: { enabled: false, idp_entity_id: null, sso_url: null, certificate: null },
  sso_required: false,
  allowed_ips: null,
  key_max_lifetime_days: null,
  updated_at: null,
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

describe('securityBody', () => {
  it('sends nothing when nothing changed', () => {
    expect(securityBody(securityFormValues(defaults), defaults)).toEqual({});
  });

  it('sends only what changed, SAML fields nested', () => {
    const values = {
      ...securityFormValues(defaults),
      twoFactor: 'required' as const,
      samlEnabled: true,
      idpEntityId: ' https://idp/meta ',
      ssoUrl: 'https://idp/sso',
      certificate: PEM,
    };
    expect(securityBody(values, defaults)).toEqual({
      two_factor: 'required',
      saml: { enabled: true, idp_entity_id: 'https://idp/meta', sso_url: 'https://idp/sso', x509_certificate: PEM },
    });
  });

  it('removes the allowlist with "any" and the lifetime cap with 0', () => {
    const current = { ...defaults, allowed_ips: ['10.0.0.0/8'], key_max_lifetime_days: 90 };
    const values = { ...securityFormValues(current), allowedIps: '', keyMaxLifetimeDays: '' };
    expect(securityBody(values, current)).toEqual({ allowed_ips: 'any', key_max_lifetime_days: 0 });
    expect(securityBody({ ...values, keyMaxLifetimeDays: '0' }, current)).toEqual({ allowed_ips: 'any', key_max_lifetime_days: 0 });
  });

  it('sends a changed allowlist as a list and a new cap as a number', () => {
    const values = { ...securityFormValues(defaults), allowedIps: '203.0.113.0/24\n10.0.0.1, 2001:db8::/32', keyMaxLifetimeDays: '30' };
    expect(securityBody(values, defaults)).toEqual({
      allowed_ips: ['203.0.113.0/24', '10.0.0.1', '2001:db8::/32'],
      key_max_lifetime_days: 30,
    });
  });
});

describe('validateSecurity', () => {
  it('needs every SAML field to enable SAML, a stored certificate counting', () => {
    const values = { ...securityFormValues(defaults), samlEnabled: true };
    expect(Object.keys(validateSecurity(values, defaults)).sort()).toEqual(['certificate', 'idpEntityId', 'ssoUrl']);
    const stored = {
      ...defaults,
      saml: { ...defaults.saml, certificate: { subject: 'CN=a', issuer: 'CN=a', valid_from: '', valid_to: '', fingerprint_sha256: '' } },
    };
    expect(validateSecurity({ ...values, idpEntityId: 'x', ssoUrl: 'https://idp/sso' }, stored)).toEqual({});
  });

  it('wants an https URL, a PEM, SAML for sso_required and a lifetime in range', () => {
    const errors = validateSecurity(
      { ...securityFormValues(defaults), ssoUrl: 'http://idp/sso', certificate: 'MIIB', ssoRequired: true, keyMaxLifetimeDays: '4000' },
      defaults,
    );
    expect(Object.keys(errors).sort()).toEqual(['certificate', 'keyMaxLifetimeDays', 'ssoRequired', 'ssoUrl']);
    expect(validateSecurity({ ...securityFormValues(defaults), keyMaxLifetimeDays: '1.5' }, defaults).keyMaxLifetimeDays).toBeDefined();
  });
});

describe('fieldOfApiError', () => {
  it('puts an error on the field at its path', () => {
    expect(fieldOfApiError({ path: 'saml.sso_url' })).toBe('ssoUrl');
    expect(fieldOfApiError({ path: 'allowed_ips' })).toBe('allowedIps');
    expect(fieldOfApiError({ path: 'allowed_ips[2]' })).toBe('allowedIps');
    expect(fieldOfApiError({ path: 'key_max_lifetime_days' })).toBe('keyMaxLifetimeDays');
    expect(fieldOfApiError({ path: 'saml' })).toBeNull();
    expect(fieldOfApiError({ path: 'name' })).toBeNull();
  });

  it("places the settings' own checks by the path they answer with, and an error without a path nowhere", () => {
    expect(fieldOfApiError({ path: 'saml.x509_certificate' })).toBe('certificate');
    expect(fieldOfApiError({ path: 'sso_required' })).toBe('ssoRequired');
    expect(fieldOfApiError({ path: 'allowed_ips' })).toBe('allowedIps');
    expect(fieldOfApiError({ path: 'saml.enabled' })).toBe('samlEnabled');
    expect(fieldOfApiError({})).toBeNull();
  });
});

describe('certificate details', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('says whether the certificate is valid now', () => {
    expect(certificateStatus({ valid_from: '2026-01-01T00:00:00Z', valid_to: '2027-01-01T00:00:00Z' }, now)).toEqual({
      state: 'valid',
      text: 'Valid, expires in 214 days',
    });
    expect(certificateStatus({ valid_from: '2026-01-01T00:00:00Z', valid_to: '2026-06-11T00:00:00Z' }, now).state).toBe('expiring');
    expect(certificateStatus({ valid_from: '2025-01-01T00:00:00Z', valid_to: '2026-05-31T00:00:00Z' }, now)).toEqual({
      state: 'expired',
      text: 'Expired 1 day ago',
    });
    expect(certificateStatus({ valid_from: '2026-07-01T00:00:00Z', valid_to: '2027-01-01T00:00:00Z' }, now).state).toBe('not-yet-valid');
  });

  it('splits distinguished names into attributes, keeping commas inside values', () => {
    expect(distinguishedNameParts('CN=idp.example.com, O=Example\\, Inc., C=US')).toEqual([
      'CN=idp.example.com',
      'O=Example\\, Inc.',
      'C=US',
    ]);
  });

  it('reads allowlists one per line or comma-separated', () => {
    expect(ipList(' 10.0.0.0/8 \n\n192.168.1.7,::1 ')).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
  });
});

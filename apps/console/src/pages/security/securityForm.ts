import { type Schemas, unionMembers } from '../../api';

/** `GET/PUT …/security`: the account's security settings as the API gives them. */
export type SecuritySettings = Schemas['SecurityDto'];
export type CertificateDetails = Schemas['CertificateDetailsDto'];
export type TwoFactorPolicy = SecuritySettings['two_factor'];
export const TWO_FACTOR_POLICIES = unionMembers<TwoFactorPolicy>()(['optional', 'required']);

export interface SecurityFormValues {
  twoFactor: TwoFactorPolicy;
  samlEnabled: boolean;
  idpEntityId: string;
  ssoUrl: string;
  /** A new PEM; empty keeps the stored certificate. */
  certificate: string;
  ssoRequired: boolean;
  /** One address or CIDR range per line (commas work too); empty: any address. */
  allowedIps: string;
  /** Whole days; empty: no cap. */
  keyMaxLifetimeDays: string;
}

export type SecurityField = keyof SecurityFormValues;
export type SecurityErrors = Partial<Record<SecurityField, string>>;

export const MAX_KEY_LIFETIME_DAYS = 3650;
const PEM_HEADER = '-----BEGIN CERTIFICATE-----';

export const securityFormValues = (s: SecuritySettings): SecurityFormValues => ({
  twoFactor: s.two_factor,
  samlEnabled: s.saml.enabled,
  idpEntityId: s.saml.idp_entity_id ?? '',
  ssoUrl: s.saml.sso_url ?? '',
  certificate: '',
  ssoRequired: s.sso_required,
  allowedIps: (s.allowed_ips ?? []).join('\n'),
  keyMaxLifetimeDays: s.key_max_lifetime_days === null ? '' : String(s.key_max_lifetime_days),
});

export const ipList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** What the console can check before sending; the API checks the rest (the certificate itself, the addresses). */
export function validateSecurity(values: SecurityFormValues, current: SecuritySettings): SecurityErrors {
  const errors: SecurityErrors = {};
  const ssoUrl = values.ssoUrl.trim();
  if (ssoUrl && !isHttpsUrl(ssoUrl)) errors.ssoUrl = 'Enter an https URL, like https://idp.example.com/sso';
  const pem = values.certificate.trim();
  if (pem && !pem.startsWith(PEM_HEADER)) errors.certificate = `Paste one PEM certificate, starting with ${PEM_HEADER}`;
  if (values.samlEnabled) {
    if (!values.idpEntityId.trim()) errors.idpEntityId = 'Enabling SAML needs the identity provider entity ID';
    if (!ssoUrl) errors.ssoUrl = 'Enabling SAML needs the single sign-on URL';
    if (!pem && !current.saml.certificate) errors.certificate = "Enabling SAML needs the identity provider's certificate";
  }
  if (values.ssoRequired && !values.samlEnabled) errors.ssoRequired = 'Single sign-on can be required only while SAML is enabled';
  const days = values.keyMaxLifetimeDays.trim();
  if (days && (!/^\d+$/.test(days) || Number(days) > MAX_KEY_LIFETIME_DAYS)) {
    errors.keyMaxLifetimeDays = `Enter whole days from 0 to ${MAX_KEY_LIFETIME_DAYS}, or leave empty for no cap`;
  }
  if (ipList(values.allowedIps).length > 100) errors.allowedIps = 'At most 100 addresses or ranges';
  return errors;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The `PUT …/security` body: only what changed, since fields not given keep their value. An emptied allowlist is
 * "any" and an emptied lifetime cap is 0, the API's words for "remove". The entity id and URL cannot be cleared
 * (the API reads "" as "not given"), so an emptied one is not sent.
 */
export function securityBody(values: SecurityFormValues, current: SecuritySettings): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (values.twoFactor !== current.two_factor) body.two_factor = values.twoFactor;
  const saml: Record<string, unknown> = {};
  if (values.samlEnabled !== current.saml.enabled) saml.enabled = values.samlEnabled;
  const entityId = values.idpEntityId.trim();
  if (entityId && entityId !== (current.saml.idp_entity_id ?? '')) saml.idp_entity_id = entityId;
  const ssoUrl = values.ssoUrl.trim();
  if (ssoUrl && ssoUrl !== (current.saml.sso_url ?? '')) saml.sso_url = ssoUrl;
  const pem = values.certificate.trim();
  if (pem) saml.x509_certificate = pem;
  if (Object.keys(saml).length) body.saml = saml;
  if (values.ssoRequired !== current.sso_required) body.sso_required = values.ssoRequired;
  const ips = ipList(values.allowedIps);
  if (!sameList(ips, current.allowed_ips ?? [])) body.allowed_ips = ips.length ? ips : 'any';
  const days = values.keyMaxLifetimeDays.trim();
  const cap = days ? Number(days) : null;
  if ((cap || null) !== current.key_max_lifetime_days) body.key_max_lifetime_days = cap ?? 0;
  return body;
}

/** The form's field for each place of the `PUT …/security` body, as the API's `error.path` names it. */
const FIELD_AT: [string, SecurityField][] = [
  ['two_factor', 'twoFactor'],
  ['saml.enabled', 'samlEnabled'],
  ['saml.idp_entity_id', 'idpEntityId'],
  ['saml.sso_url', 'ssoUrl'],
  ['saml.x509_certificate', 'certificate'],
  ['sso_required', 'ssoRequired'],
  ['allowed_ips', 'allowedIps'],
  ['key_max_lifetime_days', 'keyMaxLifetimeDays'],
];

const at = (path: string, place: string): boolean => path === place || path.startsWith(`${place}.`) || path.startsWith(`${place}[`);

/** Which field an API error is about, so it shows in place: the field at the error's `path`; null for anything else. */
export function fieldOfApiError(error: { path?: string }): SecurityField | null {
  return error.path === undefined ? null : (FIELD_AT.find(([place]) => at(error.path!, place))?.[1] ?? null);
}

export type CertificateState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

const DAY = 86_400_000;

/** Whether the stored certificate works now, and a sentence saying so; "expiring" within 30 days. */
export function certificateStatus(
  details: Pick<CertificateDetails, 'valid_from' | 'valid_to'>,
  now: Date,
): { state: CertificateState; text: string } {
  const from = Date.parse(details.valid_from);
  const to = Date.parse(details.valid_to);
  const t = now.getTime();
  if (t < from) return { state: 'not-yet-valid', text: `Not valid yet: valid from ${details.valid_from}` };
  if (t > to) {
    const days = Math.floor((t - to) / DAY);
    return { state: 'expired', text: days === 0 ? 'Expired today' : `Expired ${days} ${days === 1 ? 'day' : 'days'} ago` };
  }
  const left = Math.floor((to - t) / DAY);
  const text = left === 0 ? 'Valid, expires today' : `Valid, expires in ${left} ${left === 1 ? 'day' : 'days'}`;
  return { state: left < 30 ? 'expiring' : 'valid', text };
}

/** A distinguished name as its attributes, one per line: `CN=idp.example.com, O=Example` → [`CN=idp.example.com`, `O=Example`]. */
export const distinguishedNameParts = (dn: string): string[] =>
  dn
    .split(/,\s*(?=[A-Za-z][A-Za-z0-9.]*=)/)
    .map((s) => s.trim())
    .filter(Boolean);

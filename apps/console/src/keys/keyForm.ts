/** The key forms' rules, checked before anything is sent; the same for every kind of key (libs/access-keys/src/dto). */
import { type Checked, descriptionError, type Errors, nameError } from '../forms';
import type { Schemas } from '../api';
import type { ApiKey } from './keys';

export const RATE_LIMIT_MAX = 1_000_000;
export const ALLOWED_IPS_MAX = 100;
export interface GenerateKeyForm {
  name: string;
  description: string;
  /** A `datetime-local` value, in the reader's time zone; blank: no expiry (or the account's cap). */
  expiresAt: string;
  allowedIps: string;
  rateLimit: string;
}

export type GenerateKeyField = keyof GenerateKeyForm;

export const emptyGenerateForm = (): GenerateKeyForm => ({ name: '', description: '', expiresAt: '', allowedIps: '', rateLimit: '' });

/** Addresses and ranges separated by commas, spaces or lines. */
export const splitIps = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

export function checkGenerateKey(form: GenerateKeyForm, now = new Date()): Checked<Schemas['GenerateKeyDto'], GenerateKeyField> {
  const errors: Errors<GenerateKeyField> = {};
  const body: Schemas['GenerateKeyDto'] = {};
  const name = nameError(form.name, { required: false });
  if (name) errors.name = name;
  else if (form.name.trim()) body.name = form.name.trim();
  const description = descriptionError(form.description);
  if (description) errors.description = description;
  else if (form.description.trim()) body.description = form.description.trim();
  if (form.expiresAt) {
    const at = new Date(form.expiresAt);
    if (Number.isNaN(at.getTime())) errors.expiresAt = 'Enter a date and time';
    else if (at.getTime() <= now.getTime()) errors.expiresAt = 'Choose a time in the future';
    else body.expires_at = at.toISOString();
  }
  const ips = splitIps(form.allowedIps);
  if (ips.length > ALLOWED_IPS_MAX) errors.allowedIps = `List at most ${ALLOWED_IPS_MAX} addresses or ranges`;
  else if (ips.length) body.allowed_ips = ips;
  if (form.rateLimit.trim()) {
    const text = form.rateLimit.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > RATE_LIMIT_MAX)
      errors.rateLimit = `Enter a whole number from 0 to ${RATE_LIMIT_MAX.toLocaleString('en-US')}`;
    else if (n > 0) body.rate_limit_per_minute = n;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body };
}

export interface EditKeyForm {
  name: string;
  description: string;
}

export const editKeyForm = (key: ApiKey): EditKeyForm => ({ name: key.name, description: key.description ?? '' });

/** What every kind of key's update takes from this form. */
type EditKeyBody = Pick<Schemas['UpdateAccessKeyDto'] & Schemas['UpdateAccountKeyDto'], 'name' | 'description'>;

/** Only the fields that changed: an empty body means there is nothing to send. */
export function checkEditKey(form: EditKeyForm, current: ApiKey): Checked<EditKeyBody, keyof EditKeyForm> {
  const errors: Errors<keyof EditKeyForm> = {};
  const name = nameError(form.name, { required: true });
  if (name) errors.name = name;
  const description = descriptionError(form.description);
  if (description) errors.description = description;
  if (Object.keys(errors).length) return { ok: false, errors };
  const body: EditKeyBody = {};
  if (form.name.trim() !== current.name) body.name = form.name.trim();
  // The API reads a blank description as "not given", so a description can be replaced but not cleared.
  if (form.description.trim() && form.description.trim() !== (current.description ?? '')) body.description = form.description.trim();
  return { ok: true, body };
}

/** The API takes grace_seconds from 0 to 604800 (a week). */
export const GRACE_PERIODS: { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None: the old secret stops working now' },
  { seconds: 600, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '7 days (the longest)' },
];

/**
 * The environment and key forms' rules, checked before anything is sent. They mirror the API's DTOs
 * (libs/environments/src/dto, libs/access-keys/src/dto); the API stays the authority and its message is shown
 * when it still refuses.
 */
import type { Schemas } from '../../api';
import { type Checked, descriptionError, type Errors, nameError } from '../../forms';
import {
  type Environment,
  FOLDER_MODES,
  type FolderMode,
  RECORD_LOCATIONS,
  type RecordLocation,
  USAGE_LIMIT_FIELDS,
  type UsageLimits,
} from './types';

export const CLOUD_NAME_MAX = 64;
export const CLOUD_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

export function cloudNameError(value: string): string | undefined {
  const cloudName = value.trim();
  if (!cloudName) return undefined;
  if (cloudName.length > CLOUD_NAME_MAX) return `Use at most ${CLOUD_NAME_MAX} characters`;
  if (!CLOUD_NAME_PATTERN.test(cloudName)) return 'Use only letters, digits, "_" and "-"';
  return undefined;
}

/** A usage limit as typed: blank is "not set", otherwise a number of at least 0. */
export function parseLimit(value: string): { value: number | undefined; error?: string } {
  const text = value.trim();
  if (!text) return { value: undefined };
  const n = Number(text);
  if (!Number.isFinite(n)) return { value: undefined, error: 'Enter a number' };
  if (n < 0) return { value: undefined, error: 'Enter 0 or more' };
  return { value: n };
}

/** Custom attributes as typed: blank is "none", otherwise a JSON object. */
export function parseAttributes(value: string): { value: Record<string, unknown> | undefined; error?: string } {
  const text = value.trim();
  if (!text) return { value: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { value: undefined, error: 'Enter a JSON object, e.g. {"team": "mobile"}' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { value: undefined, error: 'Enter a JSON object, e.g. {"team": "mobile"}' };
  return { value: parsed as Record<string, unknown> };
}

export type LimitTexts = Record<keyof UsageLimits, string>;
export const emptyLimits = (): LimitTexts => ({ credits: '', storage_gb: '', bandwidth_gb: '', transformations: '' });
export const limitTexts = (limits: UsageLimits | null): LimitTexts => {
  const texts = emptyLimits();
  for (const { key } of USAGE_LIMIT_FIELDS) if (limits?.[key] !== undefined && limits[key] !== null) texts[key] = String(limits[key]);
  return texts;
};

function parseLimits(texts: LimitTexts, errors: Errors<string>): UsageLimits | undefined {
  const limits: UsageLimits = {};
  for (const { key } of USAGE_LIMIT_FIELDS) {
    const parsed = parseLimit(texts[key]);
    if (parsed.error) errors[key] = parsed.error;
    else if (parsed.value !== undefined) limits[key] = parsed.value;
  }
  return Object.keys(limits).length ? limits : undefined;
}

// ---------------------------------------------------------------- create an environment

export interface CreateEnvironmentForm {
  name: string;
  cloudName: string;
  description: string;
  /** '' leaves it to the API: dynamic, or the base environment's. */
  folderMode: '' | FolderMode;
  /** '' leaves it to the API: us, or the base environment's. */
  recordLocation: '' | RecordLocation;
  baseId: string;
  limits: LimitTexts;
  attributes: string;
}

export type CreateEnvironmentField = 'name' | 'cloudName' | 'description' | 'attributes' | keyof UsageLimits;

export type CreateEnvironmentBody = Schemas['CreateEnvironmentDto'];

export const emptyCreateForm = (): CreateEnvironmentForm => ({
  name: '',
  cloudName: '',
  description: '',
  folderMode: '',
  recordLocation: '',
  baseId: '',
  limits: emptyLimits(),
  attributes: '',
});

export function checkCreateEnvironment(form: CreateEnvironmentForm): Checked<CreateEnvironmentBody, CreateEnvironmentField> {
  const errors: Errors<string> = {};
  const name = nameError(form.name, { required: true });
  if (name) errors.name = name;
  const cloudName = cloudNameError(form.cloudName);
  if (cloudName) errors.cloudName = cloudName;
  const description = descriptionError(form.description);
  if (description) errors.description = description;
  const limits = parseLimits(form.limits, errors);
  const attributes = parseAttributes(form.attributes);
  if (attributes.error) errors.attributes = attributes.error;
  if (Object.keys(errors).length) return { ok: false, errors: errors as Errors<CreateEnvironmentField> };

  const body: CreateEnvironmentBody = { name: form.name.trim() };
  if (form.cloudName.trim()) body.cloud_name = form.cloudName.trim();
  if (form.description.trim()) body.description = form.description.trim();
  if (FOLDER_MODES.includes(form.folderMode as FolderMode)) body.folder_mode = form.folderMode as FolderMode;
  if (RECORD_LOCATIONS.includes(form.recordLocation as RecordLocation)) body.asset_record_location = form.recordLocation as RecordLocation;
  if (form.baseId) body.base_sub_account_id = form.baseId;
  if (limits) body.usage_limits = limits;
  if (attributes.value) body.custom_attributes = attributes.value;
  return { ok: true, body };
}

// ---------------------------------------------------------------- update an environment

export interface EnvironmentSettingsForm {
  name: string;
  cloudName: string;
  description: string;
  limits: LimitTexts;
  attributes: string;
}

export type EnvironmentSettingsField = 'name' | 'cloudName' | 'description' | 'attributes' | keyof UsageLimits;

export const attributesText = (attributes: Record<string, unknown> | null): string =>
  attributes && Object.keys(attributes).length ? JSON.stringify(attributes, null, 2) : '';

export const settingsForm = (env: Environment): EnvironmentSettingsForm => ({
  name: env.name,
  cloudName: env.cloud_name,
  description: env.description ?? '',
  limits: limitTexts(env.usage_limits),
  attributes: attributesText(env.custom_attributes),
});

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Only the fields that changed, so that a save never sends what the person did not touch. */
export function checkEnvironmentSettings(
  form: EnvironmentSettingsForm,
  current: Environment,
): Checked<Schemas['UpdateEnvironmentDto'], EnvironmentSettingsField> {
  const errors: Errors<string> = {};
  const name = nameError(form.name, { required: true });
  if (name) errors.name = name;
  const cloudName = form.cloudName.trim() ? cloudNameError(form.cloudName) : 'Enter a cloud name';
  if (cloudName) errors.cloudName = cloudName;
  const description = descriptionError(form.description);
  if (description) errors.description = description;
  const limits = parseLimits(form.limits, errors) ?? {};
  const attributes = parseAttributes(form.attributes);
  if (attributes.error) errors.attributes = attributes.error;
  if (Object.keys(errors).length) return { ok: false, errors: errors as Errors<EnvironmentSettingsField> };

  const body: Schemas['UpdateEnvironmentDto'] = {};
  if (form.name.trim() !== current.name) body.name = form.name.trim();
  if (form.cloudName.trim().toLowerCase() !== current.cloud_name) body.cloud_name = form.cloudName.trim();
  // A blank description is "not given" to the API, so it cannot be cleared; only a new text is sent.
  if (form.description.trim() && form.description.trim() !== (current.description ?? '')) body.description = form.description.trim();
  if (!sameJson(limits, current.usage_limits ?? {})) body.usage_limits = limits;
  const newAttributes = attributes.value ?? {};
  if (!sameJson(newAttributes, current.custom_attributes ?? {})) body.custom_attributes = newAttributes;
  return { ok: true, body };
}

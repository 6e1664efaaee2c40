import { ApiError } from '../api';
import type { Errors } from '../forms';

/** A new password, typed twice. */
interface NewPassword {
  password: string;
  repeat: string;
}

export const EMPTY_PASSWORD: NewPassword = { password: '', repeat: '' };

/**
 * What the console checks before sending a new password: that there is one, typed the same twice. The API checks
 * the rest (its length, common passwords, the user's own name or email) and its message shows at the field.
 */
export function newPasswordErrors({ password, repeat }: NewPassword): Errors<keyof NewPassword> {
  if (!password) return { password: 'Enter a new password' };
  if (password !== repeat) return { repeat: 'The two passwords differ: type the same password twice' };
  return {};
}

/**
 * A refusal placed at the form's field its `error.path` names (`fields` maps the API's names to the form's), or,
 * naming none of them, for the whole form.
 */
export function placeRefusal<K extends string>(
  error: unknown,
  fields: Partial<Record<string, K>>,
): { field: Errors<K>; form: string | null } {
  const message = error instanceof Error ? error.message : String(error);
  const field = error instanceof ApiError && error.status === 400 && error.path ? fields[error.path] : undefined;
  return field ? { field: { [field]: message } as Errors<K>, form: null } : { field: {}, form: message };
}

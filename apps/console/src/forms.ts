/**
 * Field rules shared by the console's forms, checked before anything is sent. They mirror the API's DTOs; the
 * API stays the authority and its message is shown when it still refuses.
 */

export const NAME_MAX = 255;
export const DESCRIPTION_MAX = 1000;

export type Errors<K extends string> = Partial<Record<K, string>>;
export type Checked<T, K extends string> = { ok: true; body: T } | { ok: false; errors: Errors<K> };

export function nameError(value: string, { required }: { required: boolean }): string | undefined {
  const name = value.trim();
  if (!name) return required ? 'Enter a name' : undefined;
  if (name.length > NAME_MAX) return `Use at most ${NAME_MAX} characters`;
  return undefined;
}

export function descriptionError(value: string): string | undefined {
  return value.trim().length > DESCRIPTION_MAX ? `Use at most ${DESCRIPTION_MAX} characters` : undefined;
}

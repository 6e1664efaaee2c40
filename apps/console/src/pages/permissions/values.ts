/** What the permission editor's modules share: plain objects, their stable JSON, parse results and lists in words. */

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a field's text stands for, or why it stands for nothing. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** A JSON field that holds an object or nothing: empty text is `empty`; anything but an object is `notObject`. */
export function parseJsonObject<E>(text: string, empty: E, notObject: string): Parsed<Record<string, unknown> | E> {
  if (!text.trim()) return { ok: true, value: empty };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return isPlainObject(value) ? { ok: true, value } : { ok: false, error: notObject };
}

export const list = (items: readonly string[]): string => items.join(', ');

/** Items as a sentence says them: `upload, admin and video`. */
export const inWords = (items: readonly string[], and: 'and' | 'or'): string =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}` : (items[0] ?? '');

/** JSON with object keys sorted, so that equal rules and conditions compare equal. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

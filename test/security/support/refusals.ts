import type { Response } from 'supertest';

/** What a message must never show: a stack frame, SQL, or a driver's or ORM's own error. */
const INTERNALS = [
  /\n\s*at |\bat \S+ \(|\.[jt]s:\d+:\d+/,
  /\b(SELECT|INSERT INTO|UPDATE \S+ SET|DELETE FROM)\b/,
  /QueryFailedError|EntityNotFound|TypeORM/i,
  /\bER_[A-Z_]+|SQLITE_[A-Z]+/,
  /TypeError|ReferenceError|Cannot read propert/,
];

const isErrorBody = (body: unknown): body is { error: { message: string; path?: string; action?: string } } =>
  typeof body === 'object' &&
  body !== null &&
  Object.keys(body).join() === 'error' &&
  typeof (body as { error: unknown }).error === 'object' &&
  ['message', 'message,path', 'message,action'].includes(Object.keys((body as { error: object }).error).join()) &&
  typeof (body as { error: { message: unknown } }).error.message === 'string' &&
  ['undefined', 'string'].includes(typeof (body as { error: { path?: unknown } }).error.path) &&
  ['undefined', 'string'].includes(typeof (body as { error: { action?: unknown } }).error.action);

/**
 * Why an answer is not a proper refusal: a 4xx (the exact status when one is given) with exactly
 * `{"error":{"message"}}` (and the `path` a validation names, or the `action` a grant refusal names, if any), a
 * message that shows no internals (and is, or matches, the expected one when given), and the Basic challenge on a
 * 401 (none for the console's requests, which carry x-requested-with: the browser must not take a 401 over).
 * Empty when it is one.
 */
export function refusalProblems(res: Response, status?: number, message?: string | RegExp, challenge = true): string[] {
  const problems: string[] = [];
  if (res.status < 400 || res.status >= 500) problems.push(`not a 4xx`);
  else if (status !== undefined && res.status !== status) problems.push(`expected ${status}`);
  if (!isErrorBody(res.body)) problems.push('not the error body');
  else {
    const expected = typeof message === 'string' ? res.body.error.message === message : (message?.test(res.body.error.message) ?? true);
    if (!expected) problems.push(`expected the message ${String(message)}`);
    if (INTERNALS.some((pattern) => pattern.test(res.body.error.message))) problems.push('the message shows internals');
  }
  const challenged = res.headers['www-authenticate'] === 'Basic realm="castellan"';
  if (res.status === 401 && challenged !== challenge) problems.push(challenge ? 'no Basic challenge' : 'a Basic challenge');
  return problems.length ? [...problems, `got ${res.status} ${res.text.slice(0, 160)}`] : [];
}

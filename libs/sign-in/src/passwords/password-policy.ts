import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '@castellan/core';

/** NIST SP 800-63B asks for at least 8; a console that guards every key of an enterprise asks for more. */
export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; bounded so that nobody makes the server hash a megabyte. */
export const MAX_PASSWORD_LENGTH = 256;

/** The 49,000 most common passwords of zxcvbn-ts's list, folded to lower case. */
let common: Set<string> | undefined;
const commonPasswords = (): Set<string> => (common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase())));

/**
 * Refuses a password that is too short, too long, common, or made of the user's own email or name, with a 400 that
 * says which (at `path`). Length counts characters, not UTF-16 units: a passphrase may be in any script.
 */
export function checkPassword(password: string, user: { email: string; name: string }, path = 'password'): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw AppError.invalid(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long`, path);
  if (length > MAX_PASSWORD_LENGTH) throw AppError.invalid(`The password must be at most ${MAX_PASSWORD_LENGTH} characters long`, path);
  const folded = password.normalize('NFKC').toLowerCase();
  if (commonPasswords().has(folded) || /^(.)\1*$/u.test(folded))
    throw AppError.invalid('This password is among the most common ones; choose another', path);
  const own = [user.email.toLowerCase(), user.email.split('@')[0]!.toLowerCase(), user.name.toLowerCase()].filter((s) => s.length >= 4);
  if (own.some((s) => folded.includes(s))) throw AppError.invalid('The password must not contain your email address or name', path);
}

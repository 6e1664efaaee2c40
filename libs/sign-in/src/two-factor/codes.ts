import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** What an authenticator app shows beside the codes. */
export const TOTP_ISSUER = 'Castellan';
/** RFC 6238 as every authenticator app implements it by default. */
const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Codes of the step before and after the current one pass too: a phone's clock drifts, and typing takes time. */
const DRIFT_STEPS = 1;
/** 160 bits, the key size RFC 4226 recommends for HMAC-SHA1. */
const SECRET_BYTES = 20;

/** A new TOTP secret, base32 as apps take it; random from the operating system's CSPRNG. */
export const newTotpSecret = (): string => new Secret({ size: SECRET_BYTES }).base32;

/** The TOTP generator of a secret; `email`, the user's, labels it in their authenticator app (checking a code needs none). */
export const totpOf = (base32Secret: string, email?: string): TOTP =>
  new TOTP({ issuer: TOTP_ISSUER, label: email, secret: Secret.fromBase32(base32Secret), ...TOTP_PARAMETERS });

/** The time step whose code `code` is, within the drift allowed around `now`; null when it is none of them. */
export function matchingStep(totp: TOTP, code: string, now = Date.now()): number | null {
  const delta = totp.validate({ token: code, timestamp: now, window: DRIFT_STEPS });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

/** Recovery codes leave out what reads alike (0 and o, 1, i and l) when written down or read aloud. */
export const RECOVERY_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const RECOVERY_CODE_LENGTH = 10;
export const RECOVERY_CODES_PER_SET = 10;

/** A recovery code as shown: 10 characters (49 bits) from the CSPRNG, in two groups of five. */
export function newRecoveryCode(): string {
  const code = Array.from({ length: RECOVERY_CODE_LENGTH }, () => RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)]).join(
    '',
  );
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * What a person may type for a code: 6 digits from their app, or a recovery code, in either case with spaces and
 * dashes anywhere (apps show `123 456`; recovery codes are shown `abcde-fghij`), in any case.
 */
export const CODE_SHAPE = /^(?:[ -]*\d){6}[ -]*$|^(?:[ -]*[A-Za-z0-9]){10}[ -]*$/;

/** A code as it is checked: without spaces or dashes, in lower case. */
export const normalizedCode = (code: string): string => code.replace(/[ -]/g, '').toLowerCase();

/** Whether a normalized code is an app's code; anything else is taken for a recovery code. */
export const isTotpCode = (normalized: string): boolean => /^\d{6}$/.test(normalized);

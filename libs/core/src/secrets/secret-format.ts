import { randomBytes, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Secrets look like `cstle_<32 random base62><6 base62 CRC32 of the random part>` (GitHub's token format):
 * the prefix names the kind of key and the checksum lets a scanner recognise a real secret offline,
 * without a database. 32 base62 characters carry 190 bits from the CSPRNG.
 */
export const SECRET_PREFIXES = {
  account: 'cstla',
  environment: 'cstle',
  user: 'cstlu',
} as const;

export type KeyKind = keyof typeof SECRET_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const SECRET_PATTERN = new RegExp(
  `^(${Object.values(SECRET_PREFIXES).join('|')})_([0-9A-Za-z]{${RANDOM_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting the top values keeps every character equally likely.
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62(value: number, width: number): string {
  let out = '';
  for (let n = value; n > 0; n = Math.floor(n / 62)) out = ALPHABET[n % 62] + out;
  return out.padStart(width, '0');
}

function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

export function generateSecret(kind: KeyKind): string {
  const body = randomBase62(RANDOM_LENGTH);
  return `${SECRET_PREFIXES[kind]}_${body}${checksum(body)}`;
}

/** The kind of key a string is a well-formed secret of, or undefined. Cheap enough to run before any lookup. */
export function recogniseSecret(candidate: string): KeyKind | undefined {
  const match = SECRET_PATTERN.exec(candidate);
  if (!match || checksum(match[2]!) !== match[3]) return undefined;
  return (Object.keys(SECRET_PREFIXES) as KeyKind[]).find((k) => SECRET_PREFIXES[k] === match[1]);
}

/** A public key identifier: 15 decimal digits, the shape Cloudinary uses. */
export function generateApiKey(): string {
  return String(randomInt(1, 10)) + Array.from({ length: 14 }, () => randomInt(0, 10)).join('');
}

import { createHash } from 'node:crypto';

/**
 * The form in which names and e-mail addresses are compared for uniqueness, the same on every database: Unicode
 * normalization (NFC, so that `café` typed with a combining accent is `café`) and case folding (upper-cased, then
 * lower-cased, so that `Élise` is `élise` and `Straße` is `strasse`). Accents stay: `elise` and `élise` differ.
 */
export function folded(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * What a unique index holds for a name: the SHA-256 of its folded form, in hex. Folding can make a 255-character
 * name three times longer, past what MySQL indexes; a digest is short, fixed, and as exact.
 */
export function uniquenessKey(text: string): string {
  return createHash('sha256').update(folded(text)).digest('hex');
}

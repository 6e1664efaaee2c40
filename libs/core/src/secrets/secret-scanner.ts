import { KeyKind, recogniseSecret, SECRET_PREFIXES } from './secret-format.js';

/** A Castellan secret found in a text. Holds only a preview of the secret: findings end up in CI logs. */
export interface SecretFinding {
  /** 1-based. */
  line: number;
  /** 1-based, in characters of the line. */
  column: number;
  kind: KeyKind;
  /** The key the secret belongs to, as the text around it names it; null when it names none. */
  apiKey: string | null;
  /** The prefix and the first 4 random characters: enough to tell findings apart, far too little to use. */
  preview: string;
}

/** Shaped like a secret; the checksum decides. `_` is not base62, so a candidate never hides another one. */
const CANDIDATE = new RegExp(`(?:${Object.values(SECRET_PREFIXES).join('|')})_[0-9A-Za-z]{38}`, 'g');
/** An api_key: a run of exactly 15 digits (letters may touch it: `%2F123…%3A` in URL-encoded text). */
const API_KEY = /(?<!\d)\d{15}(?!\d)/g;
/** How many lines above a secret may name its api_key (`api_key: …` over `api_secret: …` in a config file). */
const LINES_ABOVE = 3;
const PREVIEW_CHARACTERS = 4;

function previewSecret(secret: string): string {
  const separator = secret.indexOf('_');
  return `${secret.slice(0, separator + 1 + PREVIEW_CHARACTERS)}…`;
}

interface Span {
  value: string;
  start: number;
  end: number;
}

function apiKeysIn(line: string): Span[] {
  return [...line.matchAll(API_KEY)].map((m) => ({ value: m[0], start: m.index, end: m.index + m[0].length }));
}

/** The index of the first span that starts at or after `position`, in spans sorted by start (binary search). */
function firstAtOrAfter(spans: Span[], position: number): number {
  let [low, high] = [0, spans.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (spans[middle]!.start < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The api_key that goes with a secret, from the forms Castellan hands out: `KEY:SECRET` (curl -u,
 * `cloudinary://KEY:SECRET@cloud`, `account://KEY:SECRET@account`) first; else the 15-digit number nearest
 * to the secret on its line; else the last one on the nearest of the 3 lines above. A hint, not a proof: the
 * secret itself does not contain its api_key. `keysOn` gives a line's api_keys, sorted, read once per line: a
 * line may hold thousands of secrets, and reading it again for each would take their number squared.
 */
function apiKeyFor(keysOn: (index: number) => Span[], line: string, index: number, secret: Span): string | null {
  const onLine = keysOn(index);
  // The nearest on each side; digits inside the secret (its random part may hold 15 in a row) are not an api_key.
  const before = onLine[firstAtOrAfter(onLine, secret.start) - 1];
  if (before && before.end + 1 === secret.start && line[before.end] === ':') return before.value;
  const next = onLine[firstAtOrAfter(onLine, secret.end)];
  const nearest = [before, next]
    .filter((k): k is Span => k !== undefined)
    .sort(
      (a, b) =>
        (a.end <= secret.start ? secret.start - a.end : a.start - secret.end) -
        (b.end <= secret.start ? secret.start - b.end : b.start - secret.end),
    )[0];
  if (nearest) return nearest.value;
  for (let above = index - 1; above >= Math.max(0, index - LINES_ABOVE); above--) {
    const last = keysOn(above).at(-1);
    if (last) return last.value;
  }
  return null;
}

/**
 * Every Castellan secret in a text: each string of the secret format whose checksum is right, so that
 * look-alikes are not reported. Needs no database: the format and the checksum are the whole test. Lines end
 * with LF, CRLF or CR; binary content is scanned as whatever text it decodes to.
 */
export function scanForSecrets(text: string): SecretFinding[] {
  const lines = text.split(/\r\n|\n|\r/);
  const read = new Map<number, Span[]>();
  const keysOn = (index: number): Span[] => {
    let spans = read.get(index);
    if (!spans) read.set(index, (spans = apiKeysIn(lines[index]!)));
    return spans;
  };
  const findings: SecretFinding[] = [];
  lines.forEach((line, index) => {
    for (const match of line.matchAll(CANDIDATE)) {
      const kind = recogniseSecret(match[0]);
      if (!kind) continue;
      const secret = { value: match[0], start: match.index, end: match.index + match[0].length };
      findings.push({
        line: index + 1,
        column: secret.start + 1,
        kind,
        apiKey: apiKeyFor(keysOn, line, index, secret),
        preview: previewSecret(secret.value),
      });
    }
  });
  return findings;
}

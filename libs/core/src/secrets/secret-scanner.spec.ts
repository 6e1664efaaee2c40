import { randomBytes } from 'node:crypto';
import { generateSecret, KeyKind, SECRET_PREFIXES } from './secret-format.js';
import { scanForSecrets } from './secret-scanner.js';

const KEY = '123456789012345';
const OTHER_KEY = '987654321098765';
const preview = (secret: string) => `${secret.slice(0, 10)}…`;

/** A well-formed secret with one random character changed: the checksum no longer holds. */
function tampered(secret: string): string {
  const i = 12;
  return secret.slice(0, i) + (secret[i] === 'a' ? 'b' : 'a') + secret.slice(i + 1);
}

describe('scanForSecrets', () => {
  test.each(Object.keys(SECRET_PREFIXES) as KeyKind[])('finds a %s secret with its position and a preview only', (kind) => {
    const secret = generateSecret(kind);
    const findings = scanForSecrets(`first line\n  token = "${secret}"\n`);
    expect(findings).toEqual([{ line: 2, column: 12, kind, apiKey: null, preview: preview(secret) }]);
    expect(JSON.stringify(findings)).not.toContain(secret.slice(10));
  });

  test.each([
    ['a CLOUDINARY_URL', (s: string) => `CLOUDINARY_URL=cloudinary://${KEY}:${s}@product1`],
    [
      'a CLOUDINARY_ACCOUNT_URL',
      (s: string) => `export CLOUDINARY_ACCOUNT_URL="account://${KEY}:${s}@58277267-9576-4059-a040-235836601d67"`,
    ],
    ['curl -u', (s: string) => `curl -u ${KEY}:${s} https://castellan.example/v1_1/keys/self`],
    ['a key:secret pair beside another number', (s: string) => `${OTHER_KEY} ${KEY}:${s}`],
    ['a JSON object on one line', (s: string) => `{"api_secret":"${s}","api_key":"${KEY}"}`],
    ['the nearest of two numbers on the line', (s: string) => `${OTHER_KEY} --------------------- ${s} ${KEY}`],
    ['YAML with the key on the line above', (s: string) => `cloudinary:\n  api_key: ${KEY}\n  api_secret: ${s}`],
    ['a .env file', (s: string) => `CLOUDINARY_CLOUD_NAME=product1\nCLOUDINARY_API_KEY=${KEY}\nCLOUDINARY_API_SECRET=${s}`],
    [
      'the nearest line above, three lines up at most',
      (s: string) => `api_key=${OTHER_KEY}\napi_key=${KEY}\n\n# the secret:\napi_secret=${s}`,
    ],
    ['URL-encoded text', (s: string) => `url=cloudinary%3A%2F%2F${KEY}%3A${s}%40product1`],
  ])('takes the api_key from %s', (_, text) => {
    const secret = generateSecret('environment');
    expect(scanForSecrets(text(secret))).toEqual([expect.objectContaining({ apiKey: KEY, preview: preview(secret) })]);
  });

  test.each([
    ['no number near it', (s: string) => `secret: ${s}`],
    ['a number four lines up', (s: string) => `api_key: ${KEY}\n\n\n\nsecret: ${s}`],
    ['16 digits', (s: string) => `api_key: ${KEY}6 secret: ${s}`],
  ])('leaves the api_key unknown with %s', (_, text) => {
    expect(scanForSecrets(text(generateSecret('account')))).toEqual([expect.objectContaining({ apiKey: null })]);
  });

  test('finds several secrets on one line, each with its own key', () => {
    const [a, b, c] = [generateSecret('account'), generateSecret('user'), generateSecret('environment')];
    expect(scanForSecrets(`${KEY}:${a} ${OTHER_KEY}:${b},${c}`)).toEqual([
      { line: 1, column: 17, kind: 'account', apiKey: KEY, preview: preview(a) },
      { line: 1, column: 17 + 45 + 16, kind: 'user', apiKey: OTHER_KEY, preview: preview(b) },
      { line: 1, column: 17 + 45 + 16 + 45, kind: 'environment', apiKey: OTHER_KEY, preview: preview(c) },
    ]);
  });

  test('thousands of key:secret pairs on one line: each secret gets its own key, the line read once for keys', () => {
    const pairs = Array.from({ length: 3000 }, (_, i) => [String(100000000000000 + i), generateSecret('environment')] as const);
    const findings = scanForSecrets(pairs.map(([key, secret]) => `${key}:${secret}`).join(' '));
    expect(findings.map((f) => f.apiKey)).toEqual(pairs.map(([key]) => key));
    // The nearest number, on either side, when none is joined to the secret.
    const [x, y] = [generateSecret('user'), generateSecret('user')];
    expect(scanForSecrets(`${KEY} ${x} -- ${y} ${OTHER_KEY}`).map((f) => f.apiKey)).toEqual([KEY, OTHER_KEY]);
  });

  test('ignores look-alikes: a wrong checksum, an unknown prefix, a short body', () => {
    const secret = generateSecret('environment');
    const text = [tampered(secret), `cstlx_${secret.slice(6)}`, secret.slice(0, -1), secret.toUpperCase()].join('\n');
    expect(scanForSecrets(text)).toEqual([]);
  });

  test('a secret with more letters glued to it is still found: the checksum says it is one', () => {
    const secret = generateSecret('user');
    expect(scanForSecrets(`xx${secret}yy`)).toEqual([expect.objectContaining({ column: 3, preview: preview(secret) })]);
  });

  test('counts CRLF and CR line endings as one line break', () => {
    const [a, b] = [generateSecret('account'), generateSecret('environment')];
    expect(scanForSecrets(`api_key: ${KEY}\r\napi_secret: ${a}\r\n\r\nold mac\r${b}\r\n`)).toEqual([
      { line: 2, column: 13, kind: 'account', apiKey: KEY, preview: preview(a) },
      { line: 5, column: 1, kind: 'environment', apiKey: null, preview: preview(b) },
    ]);
  });

  test('finds a secret in binary junk, and nothing in junk alone', () => {
    const secret = generateSecret('environment');
    const junk = () =>
      randomBytes(4096)
        .toString('utf8')
        .replace(/[\r\n]/g, ' ');
    expect(scanForSecrets(junk())).toEqual([]);
    const findings = scanForSecrets(`${junk()}\0${secret}\0${junk()}`);
    expect(findings).toEqual([expect.objectContaining({ line: 1, kind: 'environment', preview: preview(secret) })]);
  });

  test('an empty text has no findings', () => {
    expect(scanForSecrets('')).toEqual([]);
  });
});

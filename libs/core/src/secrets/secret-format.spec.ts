import { generateApiKey, generateSecret, KeyKind, recogniseSecret, SECRET_PREFIXES } from './secret-format.js';

describe('secret format', () => {
  test.each(Object.keys(SECRET_PREFIXES) as KeyKind[])('a %s secret carries its prefix and is recognised', (kind) => {
    const secret = generateSecret(kind);
    expect(secret).toMatch(new RegExp(`^${SECRET_PREFIXES[kind]}_[0-9A-Za-z]{38}$`));
    expect(recogniseSecret(secret)).toBe(kind);
  });

  test('secrets do not repeat', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateSecret('environment')));
    expect(secrets.size).toBe(1000);
  });

  test('every base62 character is used, so no part of the alphabet is wasted', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateSecret('account').slice(6, 38)).join(''));
    expect(seen.size).toBe(62);
  });

  test('a changed character breaks the checksum', () => {
    const secret = generateSecret('account');
    const i = 10;
    const tampered = secret.slice(0, i) + (secret[i] === 'a' ? 'b' : 'a') + secret.slice(i + 1);
    expect(recogniseSecret(tampered)).toBeUndefined();
  });

  test.each(['', 'cstla_', 'cstlx_' + 'a'.repeat(38), 'QcsQcsQcsQcsQcsQcsQcsQcsQcs'])('%j is not a secret', (candidate) => {
    expect(recogniseSecret(candidate)).toBeUndefined();
  });

  test('api keys are 15 digits with no leading zero', () => {
    for (let i = 0; i < 100; i++) expect(generateApiKey()).toMatch(/^[1-9]\d{14}$/);
  });
});

import { TOTP, URI } from 'otpauth';
import {
  CODE_SHAPE,
  isTotpCode,
  matchingStep,
  newRecoveryCode,
  newTotpSecret,
  normalizedCode,
  RECOVERY_CODE_ALPHABET,
  totpOf,
} from './codes.js';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const totp = totpOf(secret, 'ada@example.com');
  const now = Date.UTC(2026, 11, 8, 8, 0, 15);
  const step = Math.floor(now / 30_000);
  const codeAt = (s: number) => totp.generate({ timestamp: s * 30_000 });

  test('a secret is 20 random bytes in base32; the key URI is SHA-1, 6 digits, 30 s, labelled with the email', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = URI.parse(totp.toString()) as TOTP;
    expect(uri).toMatchObject({ issuer: 'Castellan', label: 'ada@example.com', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(uri.secret.base32).toBe(secret);
  });

  test('the current step and one on either side match, with their own step; two away do not', () => {
    for (const s of [step - 1, step, step + 1]) expect(matchingStep(totp, codeAt(s), now)).toBe(s);
    for (const s of [step - 2, step + 2]) expect(matchingStep(totp, codeAt(s), now)).toBeNull();
    expect(matchingStep(totpOf(newTotpSecret()), codeAt(step), now)).toBeNull();
    expect(matchingStep(totp, 'abcdefghjk', now)).toBeNull();
  });
});

describe('recovery codes', () => {
  test('ten characters of the unambiguous alphabet, shown in two groups of five', () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    for (const code of codes) {
      expect(code).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{5}-[23456789abcdefghjkmnpqrstuvwxyz]{5}$/);
      expect(CODE_SHAPE.test(code)).toBe(true);
    }
    expect(new Set(codes).size).toBe(codes.length);
    // Over 200 codes (2,000 characters) every character of the alphabet turns up.
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(RECOVERY_CODE_ALPHABET.length);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[01ilo]/);
  });
});

describe('what a person types', () => {
  test.each([
    ['123456', '123456', true],
    [' 123 456 ', '123456', true],
    ['123-456', '123456', true],
    ['ABCDE-FGH23', 'abcdefgh23', false],
    ['abcde fgh23', 'abcdefgh23', false],
  ])('%j is read as %j', (typed, normalized, totp) => {
    expect(CODE_SHAPE.test(typed)).toBe(true);
    expect(normalizedCode(typed)).toBe(normalized);
    expect(isTotpCode(normalized)).toBe(totp);
  });

  test.each(['12345', '1234567', 'abcdef', '12345678901', 'abcde_fghij', '１２３４５６', '12345\n6', '', '------'])(
    '%j is no code',
    (typed) => expect(CODE_SHAPE.test(typed)).toBe(false),
  );
});

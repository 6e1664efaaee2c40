import { AppError } from '@castellan/core';
import { checkPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-policy.js';
import { PasswordHasher } from './password-hasher.js';

const ada = { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' };
const refusal = (password: string): string | undefined => {
  try {
    checkPassword(password, ada);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).path).toBe('password');
    return (error as AppError).message;
  }
};

describe('checkPassword', () => {
  test.each([
    ['a'.repeat(MIN_PASSWORD_LENGTH - 1) + '', 'at least 12 characters'],
    ['x'.repeat(MAX_PASSWORD_LENGTH + 1), 'at most 256 characters'],
    ['password1234', 'most common'],
    ['PASSWORD1234', 'most common'],
    ['qwertyuiop123', 'most common'],
    ['zzzzzzzzzzzzzzzz', 'most common'],
    ['my ada.lovelace@example.com!', 'email address or name'],
    ['ADA.LOVELACE rules the world', 'email address or name'],
    ['ada lovelace was first', 'email address or name'],
  ])('refuses %j (%s)', (password, words) => {
    expect(refusal(password)).toContain(words);
  });

  test.each(['correct horse battery staple', 'Tr0ub4dor&3-extended', '日本語のパスフレーズです十二'])('accepts %j', (password) => {
    expect(refusal(password)).toBeUndefined();
  });

  test('counts characters, not UTF-16 units: twelve emoji are twelve characters', () => {
    expect(refusal('🔐'.repeat(11))).toContain('at least');
    expect(refusal('🔐🔑🗝️🧩🎲🎯🚀🌋🦉🐙🍋🧭')).toBeUndefined();
  });
});

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  test('argon2id with the stated parameters, salted: one password, two different hashes, both verify', async () => {
    const [one, two] = [await hasher.hash('correct horse battery staple'), await hasher.hash('correct horse battery staple')];
    expect(one).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(one).not.toBe(two);
    expect(await hasher.matches('correct horse battery staple', one)).toBe(true);
    expect(await hasher.matches('correct horse battery stapl', one)).toBe(false);
    expect(hasher.needsRehash(one)).toBe(false);
  });

  test('no stored hash, or a malformed one, never matches and never throws', async () => {
    expect(await hasher.matches('anything', null)).toBe(false);
    expect(await hasher.matches('anything', 'not a hash')).toBe(false);
  });

  test('a hash made with weaker parameters asks to be rehashed', () => {
    expect(hasher.needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(true);
  });
});

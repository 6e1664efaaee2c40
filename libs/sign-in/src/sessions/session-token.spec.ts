import { sessionToken } from './session.service.js';

const TOKEN = 'A'.repeat(42) + 'b';

describe('sessionToken', () => {
  test('reads the castellan_session cookie among others', () => {
    expect(sessionToken(`theme=dark; castellan_session=${TOKEN}; other=1`)).toBe(TOKEN);
    expect(sessionToken([`a=1`, `castellan_session=${TOKEN}`])).toBe(TOKEN);
  });

  test('no cookie header, or no session cookie: null (the guard then asks for Basic)', () => {
    expect(sessionToken(undefined)).toBeNull();
    expect(sessionToken('theme=dark')).toBeNull();
    expect(sessionToken('castellan_sessionx=1')).toBeNull();
  });

  test('a session cookie that cannot be a token names no session and costs no lookup', () => {
    for (const value of ['', 'short', TOKEN + 'x', `${TOKEN.slice(1)}=`, '%00' + TOKEN.slice(3)]) {
      expect(sessionToken(`castellan_session=${value}`)).toBe('');
    }
  });

  test('only the first castellan_session counts', () => {
    expect(sessionToken(`castellan_session=${TOKEN}; castellan_session=${'B'.repeat(43)}`)).toBe(TOKEN);
  });
});

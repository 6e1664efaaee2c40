import type { AppConfig } from '@castellan/core';
import { TotpSecretBox } from './totp-secret-box.js';

const box = (pepper = 'p'.repeat(43)) => new TotpSecretBox({ secretPepper: pepper } as AppConfig);
const ADA = { accountId: 'b7a2c0de-0000-4000-8000-000000000001', id: 'abcde1fghij2klmno3pqrst4uvwxy5z0' };
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('TotpSecretBox', () => {
  test('a sealed secret opens to itself, and shows nothing of it', () => {
    const sealed = box().seal(SECRET, ADA);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(box().open(sealed, ADA)).toBe(SECRET);
  });

  test('each seal has its own IV: the same secret twice seals differently', () => {
    const [a, b] = [box().seal(SECRET, ADA), box().seal(SECRET, ADA)];
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  test('any change to a sealed value is refused', () => {
    const sealed = box().seal(SECRET, ADA);
    const parts = sealed.split('.');
    const flipped = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    for (const index of [1, 2, 3]) {
      const tampered = parts.map((p, i) => (i === index ? flipped(p) : p)).join('.');
      expect(box().open(tampered, ADA)).toBeNull();
    }
    for (const malformed of ['', SECRET, `v2.${parts.slice(1).join('.')}`, parts.slice(0, 3).join('.'), `${sealed}.x`, 'v1...']) {
      expect(box().open(malformed, ADA)).toBeNull();
    }
  });

  test('another pepper cannot open it', () => {
    expect(box('q'.repeat(43)).open(box().seal(SECRET, ADA), ADA)).toBeNull();
  });

  test("it opens for its own user only: copied to another user's row, it is refused", () => {
    const sealed = box().seal(SECRET, ADA);
    expect(box().open(sealed, { ...ADA, id: '0123456789abcdef0123456789abcdef' })).toBeNull();
    expect(box().open(sealed, { ...ADA, accountId: 'b7a2c0de-0000-4000-8000-000000000002' })).toBeNull();
  });
});

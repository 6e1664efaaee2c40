import { describe, expect, it } from 'vitest';
import { rememberSsoAccount, ssoAccount, ssoLoginPath, ssoMetadataPath } from './sso';

const storage = (entries: Record<string, string> = {}) => ({
  getItem: (key: string) => entries[key] ?? null,
  setItem: (key: string, value: string) => void (entries[key] = value),
  entries,
});

describe('single sign-on', () => {
  it("offers the link's account first, then the last one used here", () => {
    const store = storage();
    expect(ssoAccount('', store)).toBe('');
    rememberSsoAccount('acc-last', store);
    expect(ssoAccount('', store)).toBe('acc-last');
    expect(ssoAccount('?account=acc-link', store)).toBe('acc-link');
    expect(ssoAccount('?account=%20', store)).toBe('acc-last');
  });

  it('keeps the account id only', () => {
    const store = storage();
    rememberSsoAccount('acc', store);
    expect(Object.values(store.entries)).toEqual(['acc']);
  });

  it("starts at the account's login route, and checks SSO at its metadata, whatever the id holds", () => {
    expect(ssoLoginPath('b7a2c0de-1')).toBe('/v1_1/sso/b7a2c0de-1/saml/login');
    expect(ssoLoginPath('../x?y')).toBe('/v1_1/sso/..%2Fx%3Fy/saml/login');
    expect(ssoMetadataPath('../x?y')).toBe('/v1_1/sso/..%2Fx%3Fy/saml/metadata');
  });
});

import type { KeyFacts } from '@castellan/core';
import { ACCOUNT_ALLOWLIST } from './account-allowlist.part.js';

const key: KeyFacts = { kind: 'account', userId: null, environmentId: null };

describe('ACCOUNT_ALLOWLIST', () => {
  test("reads the allowlist's simple-json text", () => {
    expect(ACCOUNT_ALLOWLIST.read({ allowed_ips: '["10.0.0.0/8","192.0.2.1"]' }, key)).toEqual(['10.0.0.0/8', '192.0.2.1']);
  });

  test('no list, or no settings row for the account (no match for the join), is anywhere', () => {
    expect(ACCOUNT_ALLOWLIST.read({ allowed_ips: 'null' }, key)).toBeNull();
    expect(ACCOUNT_ALLOWLIST.read({ allowed_ips: null }, key)).toBeNull();
  });

  test("selects the column it reads, over a join under an alias of security's", () => {
    expect(ACCOUNT_ALLOWLIST.columns('k', 'mysql').map((c) => c.alias)).toEqual(['allowed_ips']);
    expect(ACCOUNT_ALLOWLIST.joins!('k')).toEqual([expect.objectContaining({ table: 'account_security', alias: 'security_settings' })]);
  });
});

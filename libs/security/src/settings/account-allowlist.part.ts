import { Global, Module } from '@nestjs/common';
import { ACCOUNT_ALLOWLIST_PART } from '@castellan/core';
import type { KeyQueryPart } from '@castellan/core';

/** The join to the key's account's settings; prefixed with the library's name, as KeyQueryPart asks. */
const SETTINGS = 'security_settings';

/** The IP ranges every key of the key's account may be used from, read with the key: null for anywhere. */
export const ACCOUNT_ALLOWLIST: KeyQueryPart<string[] | null> = {
  joins: (k) => [{ table: 'account_security', alias: SETTINGS, on: `${SETTINGS}.account_id = ${k}.account_id` }],
  columns: () => [{ alias: 'allowed_ips', sql: `${SETTINGS}.allowed_ips` }],
  // simple-json: JSON text, or NULL for no list (and for an account without settings, which has no row).
  read: (raw) => (typeof raw['allowed_ips'] === 'string' ? (JSON.parse(raw['allowed_ips']) as string[] | null) : null),
};

/**
 * Global, and nothing else in it: authentication (libs/credentials, which cannot depend on security) finds
 * ACCOUNT_ALLOWLIST_PART through it, and nothing more of security.
 */
@Global()
@Module({ providers: [{ provide: ACCOUNT_ALLOWLIST_PART, useValue: ACCOUNT_ALLOWLIST }], exports: [ACCOUNT_ALLOWLIST_PART] })
export class AccountAllowlistPartModule {}

import type { Principal } from '@castellan/core';
import type { VerifiedKey } from './key-cache.js';

// Entries for tests of the cache itself: `version` shows which load an answer came from (as the key's name).

export const cachedKey = (apiKey: string, accountId: string, version = 1): VerifiedKey => ({
  principal: Object.freeze({ apiKey, accountId, name: `v${version}` } as Principal),
  secretHash: '',
  previousSecretHash: null,
  previousSecretExpiresAt: null,
  enabled: true,
  expiresAt: null,
  allowedIps: null,
  accountRanges: null,
  usable: true,
});

/** A load that answers at once. */
export const loaded = (value: VerifiedKey | null) => (): Promise<VerifiedKey | null> => Promise.resolve(value);

import type { Principal } from '@castellan/core';
import type { ApiKeyEntity } from './api-key.entity.js';
import type { VerifiedKey } from './key-cache.js';

// Entries for tests of the cache itself: `version` shows which load an answer came from.

export const cachedKey = (apiKey: string, accountId: string, version = 1): VerifiedKey => ({
  key: { apiKey, accountId, name: `v${version}` } as ApiKeyEntity,
  accountRanges: null,
  principal: Object.freeze({ apiKey, accountId } as Principal),
  usable: true,
});

/** A load that answers at once. */
export const loaded = (value: VerifiedKey | null) => (): Promise<VerifiedKey | null> => Promise.resolve(value);

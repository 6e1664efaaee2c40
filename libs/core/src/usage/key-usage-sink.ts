/** A key whose use is counted: its account and its api_key. */
export interface CountedKey {
  accountId: string;
  apiKey: string;
}

/**
 * What the access guard and the decision API tell the key usage counts: each request of an existing key that
 * was let through or refused, and each decision. Implemented by libs/key-usage; defined here so that
 * libs/credentials and libs/decisions can report to it without depending on it. Returns at once: the counts
 * are written off the request path.
 */
export interface KeyUsageSink {
  count(key: CountedKey, allowed: boolean): void;
}

/** Injection token for the KeyUsageSink, provided by the key usage module (absent in the CLI). */
export const KEY_USAGE_SINK = Symbol('KEY_USAGE_SINK');

import type { KeyKind } from '../secrets/secret-format.js';

/** Who is calling: the key that authenticated the request and what it belongs to. */
export interface Principal {
  kind: KeyKind;
  keyId: string;
  apiKey: string;
  name: string;
  accountId: string;
  environmentId: string | null;
}

import type { KeyKind } from '../secrets/secret-format.js';
import type { PolicyRule } from './policy-rule.js';

/** Who is calling: the key that authenticated the request and what it belongs to. */
export interface Principal {
  kind: KeyKind;
  keyId: string;
  apiKey: string;
  name: string;
  accountId: string;
  environmentId: string | null;
  /** The key's own policy; null until someone sets one, which means its kind's default. */
  rules: PolicyRule[] | null;
}

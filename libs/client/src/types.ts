/**
 * What Castellan's decision API answers, field for field: the names are the wire's own, so Castellan's API
 * reference reads the same for both.
 */

export type KeyKind = 'account' | 'environment' | 'user';

export type DecisionReason = 'ALLOWED' | 'DENIED_BY_RULE' | 'NO_MATCHING_RULE' | 'ENVIRONMENT_DISABLED' | 'WRONG_ENVIRONMENT';

/** Attributes of the resource acted on, as the action's conditions read them (`folder`, `tags`, `resource_type`, …). */
export type Resource = Record<string, unknown>;

export interface AuthorizeRequest {
  /** The caller's own `Authorization` header (`Basic …`), forwarded as it came. */
  authorization: string;
  /** One action of Castellan's catalogue, such as `upload:destroy`; no wildcards. */
  action: string;
  /** The product environment the call is for. */
  cloudName?: string;
  resource?: Resource;
  /**
   * The caller's address, sent as `X-Forwarded-For` so that key allowlists and per-address throttling see the
   * caller and not this service. Castellan believes it only from addresses its `TRUST_PROXY` names.
   */
  clientIp?: string;
}

export interface DecisionKey {
  api_key: string;
  name: string;
  kind: KeyKind;
}

export interface DecisionEnvironment {
  id: string;
  cloud_name: string;
}

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  key: DecisionKey;
  environment: DecisionEnvironment | null;
  /** Index in the key's policy of the rule that decided, or null when none did. */
  rule: number | null;
}

export interface PolicyRule {
  effect: 'allow' | 'deny';
  actions: string[];
  /** Attribute name to a value, or to MongoDB-style operators (`{ "$regex": "^prod/" }`). */
  conditions?: { [attribute: string]: string | number | boolean | null | object };
}

/** `GET /v1_1/keys/self`: the calling key and the policy it acts with. */
export interface KeySelf extends DecisionKey {
  account_id: string;
  environment: DecisionEnvironment | null;
  rules: PolicyRule[];
  /** True while the key has its kind's default policy. */
  default: boolean;
}

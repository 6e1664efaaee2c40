import type { KeyKind } from '../secrets/secret-format.js';
import type { PolicyRule } from './policy-rule.js';

/** What decisions need of an environment. */
export interface EnvironmentState {
  id: string;
  cloudName: string;
  enabled: boolean;
}

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
  /** A user key's user. */
  userId: string | null;
  /** A user key's user's privileges, one policy per source (role, custom roles, groups); the key's own rules only narrow them. */
  userPolicies: PolicyRule[][] | null;
  /** The environments a user key may act in; null for no restriction beyond the key's kind. */
  environmentIds: string[] | null;
  /** The rules of each custom role the key holds (not user keys: they take roles from their user). */
  rolePolicies: PolicyRule[][];
  /** Requests per minute the key may make; null for no limit of its own. */
  rateLimitPerMinute: number | null;
  /**
   * An environment key's environment, read with the key when it was verified (null: it is gone), so that its
   * decisions need no lookup; the verification cache drops it with every change to the account. Absent where a
   * principal is made without it (the simulator), and for other kinds of keys.
   */
  environment?: EnvironmentState | null;
}

/** What a user is entitled to, as the people module computes it. */
export interface UserPrivileges {
  /** One policy per source; the user holds their union. */
  policies: PolicyRule[][];
  /** null: every environment of the account. */
  environmentIds: string[] | null;
}

/** Resolves a user's current privileges, or null when the user is gone or disabled. */
export interface UserPrivilegeSource {
  forUser(accountId: string, userId: string): Promise<UserPrivileges | null>;
  /** The rules of each custom role a key holds. */
  keyRoles(accountId: string, keyId: string): Promise<PolicyRule[][]>;
}

/** Injection token for the UserPrivilegeSource, provided by the people module. */
export const USER_PRIVILEGES = Symbol('USER_PRIVILEGES');

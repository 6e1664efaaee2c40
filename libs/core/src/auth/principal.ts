import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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
  /** The content of the rules above, as a number (equal rules, equal number), so that its policy is found at once. */
  policyId?: number;
  /**
   * An environment key's environment, read with the key (null: it is gone; always null for other kinds), so that
   * its decisions need no lookup; the verification cache drops it with every change to the account.
   */
  environment: EnvironmentState | null;
}

/** The product environments a principal acts in: the listed ones, or null for every one, those made later included. */
export type Reach = readonly string[] | null;

/** Where a caller acts: an environment key in its own environment, a user key where its user reaches, an account key everywhere. */
export function reachOf(principal: Pick<Principal, 'kind' | 'environmentId' | 'environmentIds'>): Reach {
  if (principal.kind === 'environment') return [principal.environmentId!];
  return principal.kind === 'user' ? principal.environmentIds : null;
}

/** Who holds a custom role: users directly or through one of their groups, and environment or account keys. */
export interface RoleHolders {
  userIds: string[];
  keyIds: string[];
}

/** What a user is entitled to, as the people module computes it. */
export interface UserPrivileges {
  /** One policy per source; the user holds their union. */
  policies: PolicyRule[][];
  /** null: every environment of the account. */
  environmentIds: string[] | null;
}

/** A user's privileges whether or not it is enabled, and whether it is. */
export interface UserEntitlement extends UserPrivileges {
  enabled: boolean;
}

/** What a key holds beside its own rules. */
export interface KeyHoldings {
  /** The rules of each custom role the key holds (user keys hold none: they take roles from their user). */
  rolePolicies: PolicyRule[][];
  /** A user key's user's privileges; null for a user who is gone or disabled, and for other kinds of keys. */
  user: UserPrivileges | null;
}

/** What users hold, for the verification of their keys and for the grant invariant. */
export interface UserPrivilegeSource {
  /**
   * Adds to a query over api_keys (aliased `keyAlias`) the columns readHoldings reads back, so that a key and
   * everything it holds load in one query: the verification cache's misses.
   */
  selectHoldings<Q extends SelectQueryBuilder<ObjectLiteral>>(query: Q, keyAlias: string): Q;
  readHoldings(raw: Record<string, unknown>, key: { kind: KeyKind; userId: string | null }): KeyHoldings;

  // What the grant invariant reads, in the transaction of the change it checks (libs/credentials' GrantService).

  /**
   * What each user is entitled to, enabled or not: a disabled user gets it back when enabled, so disabling
   * someone never makes them look harmless. Users that do not exist are left out.
   */
  entitlements(manager: EntityManager, accountId: string, userIds: readonly string[]): Promise<Map<string, UserEntitlement>>;
  /** The rules of each custom role each key holds. */
  keyRoles(manager: EntityManager, accountId: string, keyIds: readonly string[]): Promise<Map<string, PolicyRule[][]>>;
  roleHolders(manager: EntityManager, accountId: string, roleId: string): Promise<RoleHolders>;
  groupMembers(manager: EntityManager, accountId: string, groupId: string): Promise<string[]>;
}

/** Injection token for the UserPrivilegeSource, provided by the people module. */
export const USER_PRIVILEGES = Symbol('USER_PRIVILEGES');

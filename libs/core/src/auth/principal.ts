import type { EntityManager } from 'typeorm';
import type { SqlDialect } from '../persistence/raw-values.js';
import type { KeyKind } from '../secrets/secret-format.js';
import type { PolicyRule } from './policy-rule.js';
import type { SessionRef } from './session.js';

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
  /**
   * Set when the caller is a person signed in to the console, not a key: then kind is 'user', rules null (exactly the
   * user's privileges), and keyId and apiKey are empty.
   */
  session?: SessionRef;
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

/**
 * What users hold, as the grant invariant (libs/credentials' GrantService) reads it in the transaction of the change
 * it checks. A key's verification reads it with the key instead, through USER_HOLDINGS_PART.
 */
export interface UserPrivilegeSource {
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

/** What a part of a key's verification query may know of the key's row beside its own columns. */
export interface KeyFacts {
  kind: KeyKind;
  userId: string | null;
  environmentId: string | null;
}

/** A table LEFT JOINed to the key's row: a key that matches no row of it loads all the same. */
export interface KeyQueryJoin {
  table: string;
  alias: string;
  on: string;
}

export interface KeyQueryColumn {
  sql: string;
  alias: string;
}

/**
 * SQL that a library adds to the query verifying a key (over api_keys, aliased `keyAlias`), so that the key and
 * what the library knows of it load in one query: the verification cache's misses. It reads the library's own
 * tables only, correlated with the key's row, and libs/credentials, which runs the query, knows neither those
 * tables nor what they mean. Plain SQL text, so that this contract depends on no query builder.
 */
export interface KeyQueryPart<T> {
  /** Join aliases share the query with other parts': each library prefixes its own with its name. */
  joins?(keyAlias: string): KeyQueryJoin[];
  /** Column aliases are the part's own: read gets its columns, and only them, under these names. */
  columns(keyAlias: string, dialect: SqlDialect): KeyQueryColumn[];
  /** The value, from the raw values of the part's columns, in each driver's own types; NULL where a join matched nothing. */
  read(raw: Readonly<Record<string, unknown>>, key: KeyFacts): T;
}

/** The KeyQueryPart<KeyHoldings> of what a key holds (its custom roles, a user key's user), provided by the people module. */
export const USER_HOLDINGS_PART = Symbol('USER_HOLDINGS_PART');

/** The KeyQueryPart<string[] | null> of the allowlist of a key's account (null: anywhere), provided by the security module. */
export const ACCOUNT_ALLOWLIST_PART = Symbol('ACCOUNT_ALLOWLIST_PART');

/**
 * The KeyQueryPart<EnvironmentState | null> of an environment key's environment (null: it is gone, and for other
 * kinds of keys), provided by the environments module.
 */
export const ENVIRONMENT_STATE_PART = Symbol('ENVIRONMENT_STATE_PART');

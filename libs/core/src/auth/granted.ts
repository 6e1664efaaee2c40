import type { EntityManager } from 'typeorm';

declare const GRANTED: unique symbol;

/**
 * A transaction in which the grant invariant is enforced: only libs/credentials' GrantService hands one out, around
 * a change it checks. Writes that can widen what a principal holds (roles, reach, group membership, the rules of
 * keys, roles and groups, enabling) take it instead of a plain EntityManager, so that such a write made outside the
 * one check does not compile.
 */
export type GrantedTransaction = EntityManager & { readonly [GRANTED]: true };

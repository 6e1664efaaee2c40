import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

export const ACCESS_METADATA = 'castellan:access';

/**
 * A route is public, needs a valid key that holds an action, or needs a valid key and nothing more.
 * - `owner`: when the user named by the path parameter `param` is the caller's own user, the route needs
 *   `permission` instead (a user's own keys: another action, checked like any other, never a bypass).
 * - `withinReach`: the route needs an environment action without naming an environment, and answers only what
 *   lies within the caller's reach (a list it filters), so a caller limited to some environments may call it.
 *   Other such routes act across environments and need a caller that reaches every one.
 * - `decisions`: the route answers decisions, and the key's usage counts each decision rather than the request.
 * - `csrf` (public routes): the route signs in or finishes a sign-in, so it needs the CSRF header: else a
 *   cross-site form could sign a victim's browser in to the attacker's account.
 * - `person`: only a person signed in to the console may call the route (their own profile, password, second factor
 *   and sessions): a key, even the user's own, is refused with 403.
 */
export type RouteAccess =
  | { public: true; csrf?: boolean }
  | { public: false; permission: string | null; owner?: OwnerAccess; withinReach?: boolean; decisions?: boolean; person?: boolean };

export interface OwnerAccess {
  param: string;
  permission: string;
}

/** What the route handling this request declared; undefined when it declared nothing. */
export function routeAccess(reflector: Reflector, context: ExecutionContext): RouteAccess | undefined {
  return reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
}

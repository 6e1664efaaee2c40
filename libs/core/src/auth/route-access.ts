import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

export const ACCESS_METADATA = 'castellan:access';

/**
 * A route is public, needs a valid key that holds an action, or needs a valid key and nothing more. With
 * `owner`, a user's own key may also call it for the user named by that path parameter. With `decisions`, the
 * route answers decisions, and the key's usage counts each decision rather than the request.
 */
export type RouteAccess = { public: true } | { public: false; permission: string | null; owner?: string; decisions?: boolean };

/** What the route handling this request declared; undefined when it declared nothing. */
export function routeAccess(reflector: Reflector, context: ExecutionContext): RouteAccess | undefined {
  return reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
}

import { applyDecorators, createParamDecorator, ExecutionContext, HttpCode, SetMetadata } from '@nestjs/common';
import { ApiBasicAuth, ApiExtension, ApiResponse } from '@nestjs/swagger';
import type { Principal } from './principal.js';

export const ACCESS_METADATA = 'castellan:access';

/**
 * A route is public, needs a valid key that holds an action, or needs a valid key and nothing more. With
 * `owner`, a user's own key may also call it for the user named by that path parameter.
 */
export type RouteAccess = { public: true } | { public: false; permission: string | null; owner?: string };

/**
 * The one declaration every route makes: the action it needs. The global guard reads it; a route without
 * it is refused and fails the route-walk test. Success is always 200, creates included: the Cloudinary
 * SDKs treat 201 and 204 as failures.
 */
export function Authenticated(options: { permission: string; owner?: string } | { anyValidKey: true }) {
  const permission = 'permission' in options ? options.permission : null;
  const owner = 'owner' in options ? options.owner : undefined;
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { public: false, permission, owner } satisfies RouteAccess),
    HttpCode(200),
    ApiBasicAuth(),
    ApiExtension('x-permission', permission ?? 'any valid key'),
    ApiResponse({ status: 401, description: 'Missing, wrong or disabled credentials, or a key of another account' }),
    ...(permission ? [ApiResponse({ status: 403, description: `The key may not perform ${permission}` })] : []),
  );
}

/** Marks a route that needs no credentials, so that its openness is a decision and not an omission. */
export function Public() {
  return SetMetadata(ACCESS_METADATA, { public: true } satisfies RouteAccess);
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

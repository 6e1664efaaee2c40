import { applyDecorators, createParamDecorator, ExecutionContext, HttpCode, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiBasicAuth, ApiExtension, ApiResponse } from '@nestjs/swagger';
import { ChangeInterceptor, mayChange } from './change-route.js';
import type { Principal } from './principal.js';
import { ACCESS_METADATA, OwnerAccess, RouteAccess } from './route-access.js';

/**
 * The one declaration every route makes: the action it needs. The global guard reads it; a route without
 * it is refused and fails the route-walk test. Success is always 200, creates included: the Cloudinary
 * SDKs treat 201 and 204 as failures.
 */
export function Authenticated(
  options: { permission: string; owner?: OwnerAccess; withinReach?: boolean } | { anyValidKey: true; decisions?: boolean },
) {
  const access: RouteAccess =
    'permission' in options
      ? { public: false, permission: options.permission, owner: options.owner, withinReach: options.withinReach }
      : { public: false, permission: null, decisions: options.decisions };
  const permission = access.permission;
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    ...(mayChange(permission) ? [UseInterceptors(ChangeInterceptor)] : []),
    HttpCode(200),
    ApiBasicAuth(),
    ApiExtension('x-permission', permission ?? 'any valid key'),
    ...(access.owner ? [ApiExtension('x-own-permission', access.owner.permission)] : []),
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

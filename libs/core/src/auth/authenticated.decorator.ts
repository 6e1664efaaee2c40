import { applyDecorators, createParamDecorator, ExecutionContext, HttpCode, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiBasicAuth, ApiCookieAuth, ApiExtension, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { ApiOperationOptions } from '@nestjs/swagger';
import { ErrorBodyDto } from '../errors/error-body.dto.js';
import { ChangeInterceptor, mayChange } from './change-route.js';
import type { Principal } from './principal.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE, SESSION_COOKIE } from './session.js';
import { ACCESS_METADATA, OwnerAccess, RouteAccess } from './route-access.js';

// @nestjs/swagger's metadata keys (its DECORATORS constant, which it does not export).
const OPERATION_METADATA = 'swagger/apiOperation';
const RESPONSES_METADATA = 'swagger/apiResponse';

/** What the caller of a route needs, as /docs says it. */
function needs(access: RouteAccess): string {
  if (access.public)
    return access.csrf
      ? '**Public**: no credentials needed; any sent are ignored. Signs in, or finishes a sign-in, so it needs the header ' +
          `\`${CSRF_HEADER}: ${CSRF_HEADER_VALUE}\`, which no cross-site form can send.`
      : '**Public**: no credentials needed; any sent are ignored.';
  if (access.person) return '**Needs** a person signed in to the console (a session cookie); API keys are refused.';
  if (!access.permission) return '**Needs** any valid key, and no permission.';
  const own = access.owner ? `, or \`${access.owner.permission}\` when \`${access.owner.param}\` is the calling key's own user` : '';
  const reach = access.withinReach ? ' A key limited to some product environments may call it, and is answered about those only.' : '';
  return `**Needs** \`${access.permission}\`${own}.${reach}`;
}

/**
 * Completes the route's description in /docs from what the route declares: its @ApiOperation's description, what
 * the caller needs, and every error status among its responses, so that none of them can drift from the route.
 * Decorators apply bottom-up, and the access decorators sit on top of each route: this runs after the rest.
 */
function describeRoute(access: RouteAccess): MethodDecorator {
  return (target, key, descriptor) => {
    const operation: ApiOperationOptions = Reflect.getMetadata(OPERATION_METADATA, descriptor.value as object) ?? {};
    const responses: Record<string, { description: string }> = Reflect.getMetadata(RESPONSES_METADATA, descriptor.value as object) ?? {};
    // Integer keys enumerate in ascending order, so the statuses come sorted. A status declared twice holds two
    // paragraphs, indented to stay in its list item.
    const errors = Object.entries(responses)
      .filter(([status]) => Number(status) >= 400)
      .map(([status, { description }]) => `- **${status}** ${description.replace(/\n(?=.)/g, '\n  ')}`);
    const listed = errors.length > 0 ? `**Errors**\n\n${errors.join('\n')}` : undefined;
    const description = [operation.description, needs(access), listed].filter(Boolean).join('\n\n');
    ApiOperation({ ...operation, description })(target, key, descriptor);
  };
}

/** The statuses a route answers besides 200 and those its access decorator declares, each with why. */
export type Refusals = Partial<Record<400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 503, string>>;

/** An error answer: its status, why, and the error body every error answer has. */
const ApiError = (status: number, description: string): MethodDecorator => ApiResponse({ status, description, type: ErrorBodyDto });

/** Declares a route's own error answers, which its description in /docs lists too. */
export function ApiRefusals(refusals: Refusals): MethodDecorator {
  return applyDecorators(...Object.entries(refusals).map(([status, description]) => ApiError(Number(status), description)));
}

/** What every route that reads a body may answer, with why it answers 400. */
export const bodyRefusals = (invalid: string): Refusals => ({
  400: invalid,
  413: 'The body is over 1 MiB',
  415: 'The body is neither JSON nor form-urlencoded',
});

/** Why routes of several controllers refuse, worded once. */
export const REFUSED = {
  beyondCaller: 'The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more',
  rules: 'A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression',
  keyPage: 'A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order',
  keySettings:
    "A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry " +
    'that is no address or CIDR range, rate_limit_per_minute out of range',
  keyNameTaken: 'Another key here has this name (names compare after Unicode normalization and case folding)',
  lockOut: 'allowed_ips that leave out the address of this request, which would lock the caller out',
  graceSeconds: 'grace_seconds outside 0–604800',
  noEnvironmentKey: 'No product environment with this id in this account, or no key with this api_key in it',
  noAccountKey: 'No account API key with this api_key in this account',
} as const;

const mayNotPerform = (permission: string, owner?: OwnerAccess): string =>
  `The key may not perform \`${permission}\`${owner ? ` (\`${owner.permission}\` on its own user)` : ''}: its rules do not allow it, ` +
  'or this goes beyond the product environments it is limited to';

/**
 * The one declaration every route makes: the action it needs. The global guard reads it; a route without
 * it is refused and fails the route-walk test. Success is always 200, creates included: the Cloudinary
 * SDKs treat 201 and 204 as failures. Put it above the route's @ApiOperation and responses.
 */
export function Authenticated(
  options:
    { permission: string; owner?: OwnerAccess; withinReach?: boolean } | { anyValidKey: true; decisions?: boolean } | { person: true },
) {
  const access: RouteAccess =
    'permission' in options
      ? { public: false, permission: options.permission, owner: options.owner, withinReach: options.withinReach }
      : 'person' in options
        ? { public: false, permission: null, person: true }
        : { public: false, permission: null, decisions: options.decisions };
  const permission = access.permission;
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    ...(mayChange(permission) ? [UseInterceptors(ChangeInterceptor)] : []),
    HttpCode(200),
    ...(access.person ? [ApiCookieAuth(SESSION_COOKIE)] : [ApiBasicAuth(), ApiCookieAuth(SESSION_COOKIE)]),
    ApiExtension('x-permission', permission ?? (access.person ? 'a signed-in person' : 'any valid key')),
    ...(access.owner ? [ApiExtension('x-own-permission', access.owner.permission)] : []),
    ApiError(
      401,
      'Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, ' +
        'an address outside an IP allowlist, or a key of another ' +
        'account. The answer carries `WWW-Authenticate: Basic`',
    ),
    ...(permission ? [ApiError(403, mayNotPerform(permission, access.owner))] : []),
    ...(access.person ? [ApiError(403, 'The caller is an API key: only a person signed in to the console may call this route')] : []),
    ApiError(403, `A POST, PUT or DELETE made with a session cookie without the header \`${CSRF_HEADER}: ${CSRF_HEADER_VALUE}\``),
    ApiError(
      429,
      "Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; " +
        '`Retry-After` says when to try again',
    ),
    ApiError(503, 'The database is not answering'),
    describeRoute(access),
  );
}

/**
 * Marks a route that needs no credentials, so that its openness is a decision and not an omission. Put it above
 * the route's @ApiOperation and responses.
 */
export function Public(options: { csrf?: boolean } = {}): MethodDecorator {
  const access: RouteAccess = options.csrf ? { public: true, csrf: true } : { public: true };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    ...(options.csrf
      ? [ApiError(403, `The request lacks the header \`${CSRF_HEADER}: ${CSRF_HEADER_VALUE}\` (cross-site request forgery defence)`)]
      : []),
    describeRoute(access),
  );
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

import type { CastellanClient } from './client.js';
import { CastellanError, CastellanErrorCode, isOutage } from './errors.js';
import type { Decision, Resource } from './types.js';

/** What one protected route asks Castellan. */
export interface RouteCheck<Req> {
  /** The action the route performs, such as `upload:destroy`. */
  action: string;
  /** The resource's attributes, from the request; the conditions of the key's rules are matched against them. */
  resource?: (request: Req) => Resource | undefined | Promise<Resource | undefined>;
  /** The product environment; by default the route's `:cloud_name` parameter, as in Cloudinary's URLs. */
  cloudName?: (request: Req) => string | undefined;
  /** Overrides the client's `failClosed` for this route. */
  failClosed?: boolean;
}

/** What the handler finds on the request when Castellan could not be asked and the policy is to fail open. */
export interface FailedOpenDecision {
  allowed: true;
  reason: 'FAILED_OPEN';
  key: null;
  environment: null;
  rule: null;
  error: CastellanError;
}

export type RequestDecision = Decision | FailedOpenDecision;

/** An answer in Cloudinary's error format, which Castellan and the Cloudinary SDKs speak. */
export interface Refusal {
  status: 401 | 403 | 429 | 503;
  headers: Record<string, string>;
  body: { error: { message: string } };
}

export type Outcome = { decision: RequestDecision } | { refusal: Refusal };

/** The request as every framework exposes it, after its own parsing. */
export interface RequestParts {
  headers: Record<string, string | string[] | undefined>;
  params?: unknown;
}

/** Where each middleware puts the decision for the handler: `request.castellan`. */
export type WithDecision<Req> = Req & { castellan: RequestDecision };

/** Castellan's own challenge, so that a caller sees one realm whichever service refused it. */
const BASIC_REALM = 'Basic realm="castellan"';

/**
 * Asks Castellan about one request. Refusals of the caller become answers; anything else is thrown for the
 * framework's own error handling.
 */
export async function decide<Req extends RequestParts>(
  client: CastellanClient,
  check: RouteCheck<Req>,
  request: Req,
  clientIp: string | undefined,
): Promise<Outcome> {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || authorization === '') {
    return refuse(401, 'Missing credentials: send the access key and secret with HTTP Basic', { 'WWW-Authenticate': BASIC_REALM });
  }
  // Outside the try: an error of the service's own mapping is its own, not Castellan's.
  const cloudName = check.cloudName ? check.cloudName(request) : cloudNameParam(request.params);
  const resource = check.resource ? await check.resource(request) : undefined;
  try {
    const decision = await client.authorize({ authorization, action: check.action, cloudName, resource, clientIp });
    return decision.allowed ? { decision } : refuse(403, `Not allowed: ${check.action}`);
  } catch (error) {
    if (isOutage(error)) {
      return (check.failClosed ?? client.failClosed)
        ? refuse(503, 'Authorization is unavailable; retry later')
        : { decision: { allowed: true, reason: 'FAILED_OPEN', key: null, environment: null, rule: null, error } };
    }
    if (error instanceof CastellanError && error.code === CastellanErrorCode.InvalidCredentials) {
      return refuse(401, error.message, { 'WWW-Authenticate': BASIC_REALM });
    }
    if (error instanceof CastellanError && error.code === CastellanErrorCode.RateLimited) {
      return refuse(429, error.message, error.retryAfterSeconds === null ? {} : { 'Retry-After': String(error.retryAfterSeconds) });
    }
    // A 400 from Castellan is this route's mistake, not the caller's: a plain error, so that every framework
    // answers it as its own server error (Express would read a status off the original).
    throw new Error(`Castellan refused the check of ${check.action}: ${(error as Error).message}`, { cause: error });
  }
}

function refuse(status: Refusal['status'], message: string, headers: Record<string, string> = {}): Outcome {
  return { refusal: { status, headers, body: { error: { message } } } };
}

function cloudNameParam(params: unknown): string | undefined {
  const value = params !== null && typeof params === 'object' ? (params as Record<string, unknown>).cloud_name : undefined;
  return typeof value === 'string' ? value : undefined;
}

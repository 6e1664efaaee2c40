import { redactSecrets } from '../logging/request-logger.js';

/** What went wrong, independent of transport; the exception filter owns the mapping to HTTP. */
export enum ErrorCode {
  InvalidInput = 'INVALID_INPUT',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  NotAllowed = 'NOT_ALLOWED',
  LimitReached = 'LIMIT_REACHED',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

export class AppError extends Error {
  /**
   * Where in the request body the problem is, in {@link fieldPath}'s notation, for clients that show the message
   * next to what it names instead of reading the message's words.
   */
  readonly path?: string;
  /** The action a refusal is about (a grant the caller does not hold), for clients that show it next to that action. */
  readonly action?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Headers the answer carries (Retry-After, rate limit state). */
    readonly headers: Record<string, string> = {},
    place: { path?: string; action?: string } = {},
  ) {
    // Messages quote the request ("Access key <id> not found"), and a caller may paste a secret where an id belongs.
    super(redactSecrets(message));
    this.name = 'AppError';
    // A path or an action quotes the request too (the name of a condition's attribute, of an unknown field).
    if (place.path !== undefined) this.path = redactSecrets(place.path);
    if (place.action !== undefined) this.action = redactSecrets(place.action);
  }

  /** `path`: where the problem is, when the check knows, e.g. `fieldPath(['rules', 0, 'actions', 1])`. */
  static invalid(message: string, path?: string): AppError {
    return new AppError(ErrorCode.InvalidInput, message, {}, { path });
  }

  static notFound(what: string, id: string): AppError {
    return new AppError(ErrorCode.NotFound, `${what} ${id} not found`);
  }

  static conflict(message: string, path?: string): AppError {
    return new AppError(ErrorCode.Conflict, message, {}, { path });
  }

  static invalidCredentials(): AppError {
    return new AppError(ErrorCode.InvalidCredentials, 'Invalid credentials');
  }

  static notAllowed(action: string): AppError {
    return new AppError(ErrorCode.NotAllowed, `Not allowed: ${action}`);
  }
}

/**
 * A place in a request body as the error answer's `path` names it: object keys joined by dots, array indices in
 * brackets (`rules[0].actions[1]`, `saml.sso_url`, `checks[2].action`), as the validation messages spell places.
 */
export function fieldPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) return `${path}[${segment}]`;
    return path ? `${path}.${segment}` : segment;
  }, '');
}

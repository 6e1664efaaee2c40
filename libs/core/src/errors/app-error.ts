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
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Headers the answer carries (Retry-After, rate limit state). */
    readonly headers: Record<string, string> = {},
  ) {
    // Messages quote the request ("Access key <id> not found"), and a caller may paste a secret where an id belongs.
    super(redactSecrets(message));
    this.name = 'AppError';
  }

  static invalid(message: string): AppError {
    return new AppError(ErrorCode.InvalidInput, message);
  }

  static notFound(what: string, id: string): AppError {
    return new AppError(ErrorCode.NotFound, `${what} ${id} not found`);
  }

  static conflict(message: string): AppError {
    return new AppError(ErrorCode.Conflict, message);
  }

  static invalidCredentials(): AppError {
    return new AppError(ErrorCode.InvalidCredentials, 'Invalid credentials');
  }

  static notAllowed(action: string): AppError {
    return new AppError(ErrorCode.NotAllowed, `Not allowed: ${action}`);
  }
}

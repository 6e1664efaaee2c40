/** Why a call to Castellan gave no decision; middleware maps each code to its answer. */
export enum CastellanErrorCode {
  /** 401: the credentials are missing, unknown, wrong, disabled, expired or used from an address not allowed. */
  InvalidCredentials = 'INVALID_CREDENTIALS',
  /** 429: the key is over its rate limit, or its address is blocked after failed attempts. */
  RateLimited = 'RATE_LIMITED',
  /** 400 (or another 4xx): Castellan refused the request itself, e.g. an action outside its catalogue. */
  BadRequest = 'BAD_REQUEST',
  /** No connection, or Castellan answered 5xx (503 while its database is down and the key is not cached). */
  Unreachable = 'UNREACHABLE',
  Timeout = 'TIMEOUT',
}

export class CastellanError extends Error {
  constructor(
    readonly code: CastellanErrorCode,
    message: string,
    /** Castellan's HTTP status, or null when it did not answer. */
    readonly status: number | null,
    /** Seconds to wait before retrying, from Castellan's `Retry-After`. */
    readonly retryAfterSeconds: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidCredentialsError extends CastellanError {
  constructor(message: string) {
    super(CastellanErrorCode.InvalidCredentials, message, 401);
  }
}

export class RateLimitedError extends CastellanError {
  constructor(message: string, retryAfterSeconds: number | null) {
    super(CastellanErrorCode.RateLimited, message, 429, retryAfterSeconds);
  }
}

export class BadRequestError extends CastellanError {
  constructor(message: string, status: number) {
    super(CastellanErrorCode.BadRequest, message, status);
  }
}

export class CastellanUnreachableError extends CastellanError {
  constructor(message: string, status: number | null, options?: ErrorOptions) {
    super(CastellanErrorCode.Unreachable, message, status, null, options);
  }
}

export class CastellanTimeoutError extends CastellanError {
  constructor(message: string) {
    super(CastellanErrorCode.Timeout, message, null);
  }
}

/** The errors a fail-open policy lets through: Castellan gave no answer, so nothing was decided. */
export const isOutage = (error: unknown): error is CastellanError =>
  error instanceof CastellanError && (error.code === CastellanErrorCode.Unreachable || error.code === CastellanErrorCode.Timeout);

import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from './app-error.js';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.InvalidInput]: 400,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.NotAllowed]: 403,
  [ErrorCode.LimitReached]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.TooManyRequests]: 429,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
};

export const BASIC_REALM = 'Basic realm="castellan"';

/**
 * Whether a 401 carries the Basic challenge. A browser answers the challenge itself: a pop-up of its own, or, headless,
 * a request that never settles. The console's script marks its calls with `X-Requested-With: XMLHttpRequest` (the
 * marker Spring Security reads too) and shows its own message instead. A cross-site form cannot send that header,
 * and without CORS no other site's script can; every other client keeps the challenge RFC 9110 asks for.
 */
export function challenges(request: Pick<FastifyRequest, 'headers'>): boolean {
  const marker = request.headers['x-requested-with'];
  return typeof marker !== 'string' || marker.toLowerCase() !== 'xmlhttprequest';
}

/** Cloudinary's error body; `path` and `action` are ours, additions its clients ignore (ErrorBodyDto documents them). */
export interface ErrorBody {
  error: { message: string; path?: string; action?: string };
}

/**
 * Errors raised below Nest (routing, body parsing) carry a status code, and their messages may quote the
 * request. Nest's Fastify adapter wraps the 4xx ones in an HttpException.
 */
interface TransportError {
  statusCode: number;
  code?: unknown;
}

function transportError(exception: unknown): TransportError | undefined {
  const error = exception instanceof HttpException ? exception.cause : exception;
  const isTransport = typeof error === 'object' && error !== null && typeof (error as TransportError).statusCode === 'number';
  return isTransport ? (error as TransportError) : undefined;
}

/** Fastify's transport errors, said our way; any other is answered with its status's standard phrase. */
const TRANSPORT_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type: send JSON or form-urlencoded',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body size did not match Content-Length',
  FST_ERR_BAD_URL: 'Malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is too long',
};

const isClientError = (status: number): boolean => status >= 400 && status < 500;

/**
 * Turns anything thrown into Cloudinary's error body; internals never leak past this point. Only our own
 * messages are shown: AppError's, the fixed ones above, and HttpException's under 500 (ours and Nest's).
 * Everything else, database errors included, is a 500 whose stack goes to the log only.
 */
export function toErrorResponse(exception: unknown, logger: Logger): { status: number; body: ErrorBody } {
  if (exception instanceof AppError) {
    const path = exception.path === undefined ? {} : { path: exception.path };
    const action = exception.action === undefined ? {} : { action: exception.action };
    return { status: STATUS[exception.code], body: { error: { message: exception.message, ...path, ...action } } };
  }
  const transport = transportError(exception);
  if (transport && isClientError(transport.statusCode)) {
    const status = transport.statusCode;
    const known = typeof transport.code === 'string' ? TRANSPORT_MESSAGES[transport.code] : undefined;
    return { status, body: { error: { message: known ?? STATUS_CODES[status] ?? 'Bad request' } } };
  }
  if (exception instanceof HttpException && isClientError(exception.getStatus())) {
    const status = exception.getStatus();
    const message = status === HttpStatus.NOT_FOUND ? 'Not found' : exception.message;
    return { status, body: { error: { message } } };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { status: 500, body: { error: { message: 'Internal error' } } };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = toErrorResponse(exception, this.logger);
    if (status === 401 && challenges(http.getRequest<FastifyRequest>())) reply.header('WWW-Authenticate', BASIC_REALM);
    if (exception instanceof AppError) reply.headers(exception.headers);
    void reply.status(status).send(body);
  }
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
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

export interface ErrorBody {
  error: { message: string };
}

/** Errors raised below Nest (body parsing) carry a status code and a message safe to show. */
interface TransportError {
  statusCode: number;
  message: string;
}

function isTransportError(e: unknown): e is TransportError {
  return typeof e === 'object' && e !== null && typeof (e as TransportError).statusCode === 'number';
}

/** Turns anything thrown into Cloudinary's error body; internals never leak past this point. */
export function toErrorResponse(exception: unknown, logger: Logger): { status: number; body: ErrorBody } {
  if (exception instanceof AppError) {
    return { status: STATUS[exception.code], body: { error: { message: exception.message } } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const message = status === HttpStatus.NOT_FOUND ? 'Not found' : exception.message;
    return { status, body: { error: { message } } };
  }
  if (isTransportError(exception) && exception.statusCode >= 400 && exception.statusCode < 500) {
    return { status: exception.statusCode, body: { error: { message: exception.message } } };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { status: 500, body: { error: { message: 'Internal error' } } };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = toErrorResponse(exception, this.logger);
    if (status === 401) reply.header('WWW-Authenticate', BASIC_REALM);
    if (exception instanceof AppError) reply.headers(exception.headers);
    void reply.status(status).send(body);
  }
}

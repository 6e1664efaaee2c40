import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Origin } from './sign-in.service.js';
import { sessionToken } from './session.service.js';

/** Where a request comes from: its client address (through TRUST_PROXY) and its browser's name. */
export const RequestOrigin = createParamDecorator((_: unknown, ctx: ExecutionContext): Origin => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : undefined };
});

/**
 * The session token the request's cookie carries, for the routes that finish a sign-in or end one (public: their
 * session need not be complete); '' when there is none, which names no session. It never refuses by itself, so
 * that a malformed body is a 400 whatever the cookie: the service refuses a missing session (401).
 */
export const SessionToken = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => sessionToken(ctx.switchToHttp().getRequest<FastifyRequest>().headers['cookie']) ?? '',
);

/** Sets (or clears, with null) the session cookie on the answer. Secure when the request came over https. */
export type CookieWriter = (setCookie: string) => void;

export const SetCookie = createParamDecorator((_: unknown, ctx: ExecutionContext): CookieWriter & { secure: boolean } => {
  const http = ctx.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  const reply = http.getResponse<FastifyReply>();
  return Object.assign((value: string) => void reply.header('set-cookie', value), { secure: request.protocol === 'https' });
});

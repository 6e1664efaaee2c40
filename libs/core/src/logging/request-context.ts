import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Short and plain enough to go verbatim into a header and a log line, so a caller cannot inject text there. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const requestIds = new AsyncLocalStorage<string>();

/** The id of the request this code runs for; undefined outside of requests (start, timers). */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}

/** Runs `fn`, and whatever it starts, as part of the request with this id. */
export function withRequestId<T>(id: string, fn: () => T): T {
  return requestIds.run(id, fn);
}

/**
 * Fastify's genReqId: the caller's (or its proxy's) X-Request-Id when it is well-formed, so that one id
 * follows a call across services; a new UUID otherwise.
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * What operators read for every request. Never the query string (list filters may hold names and emails),
 * the body or the Authorization header.
 */
function accessLine(request: FastifyRequest, reply: FastifyReply): string {
  const path = request.url.split('?', 1)[0];
  const key = (request as { user?: Principal }).user?.apiKey ?? '-';
  return `${request.method} ${path} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms ip=${request.ip} key=${key} req=${request.id}`;
}

const accessLog = new Logger('HTTP');

/**
 * Writes the request's access line, with the request's id in reach of the logger like every other line. Below
 * LOG_LEVEL=log the line is not even formatted: it would cost every request for nothing.
 */
export function logAccess(request: FastifyRequest, reply: FastifyReply): void {
  if (Logger.isLevelEnabled('log')) withRequestId(request.id, () => accessLog.log(accessLine(request, reply)));
}

/**
 * Gives every request its id (echoed in X-Request-Id on every answer, errors included) and runs the rest of
 * its handling with that id in reach of the logger. Fastify carries the async context over the body's stream
 * events to the handler by itself.
 */
export function registerRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    withRequestId(request.id, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logAccess(request, reply);
    done();
  });
}

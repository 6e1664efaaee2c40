import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { parse as parseUrlEncoded } from 'node:querystring';
import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { toErrorResponse } from '../errors/http-exception.filter.js';
import { logAccess, registerRequestContext, REQUEST_ID_HEADER, requestIdFor } from '../logging/request-context.js';
import { answerOversizedBodiesAfterReading } from './body-limit.js';
import { assertJsonDepth } from './fields.js';
import { registerSecurityHeaders, SECURITY_HEADERS } from './security-headers.js';

/** `ids[]=a` and `ids=a` name the same field; DTOs only know the plain name. */
function foldBracketKeys(source: unknown): void {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return;
  const record = source as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!key.endsWith('[]')) continue;
    const plain = key.slice(0, -2);
    const values = ([] as unknown[]).concat(record[plain] ?? [], record[key] as unknown);
    delete record[key];
    record[plain] = values;
  }
}

const BODY_NOT_UTF8 = 'Body is not valid UTF-8';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decoding leniently would turn bad bytes into U+FFFD and store them. */
function decodeBody(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw AppError.invalid(BODY_NOT_UTF8);
  }
}

/** Whether every %-escape is well-formed and the escapes spell UTF-8 (`%FF` does not; parsers would keep it as text). */
function wellEncoded(urlEncoded: string): boolean {
  try {
    decodeURIComponent(urlEncoded);
    return true;
  } catch {
    return false;
  }
}

/** A surrogate without its pair: JSON's `\ud800` escape makes one, which no Unicode text holds (stored, it becomes U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Only an escape can spell a surrogate in JSON text that decoded as UTF-8; most bodies have none, and skip the walk. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, item]) => LONE_SURROGATE.test(key) || holdsLoneSurrogate(item));
}

function parseJsonBody(body: Buffer): unknown {
  const text = decodeBody(body).trim();
  if (text === '') return {};
  assertJsonDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw AppError.invalid('Malformed JSON body');
  }
  if (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(parsed))
    throw AppError.invalid('Body is not valid Unicode: a string holds a lone surrogate');
  return parsed;
}

function parseFormBody(body: Buffer): Record<string, string | string[]> {
  const text = decodeBody(body);
  if (!wellEncoded(text)) throw AppError.invalid(BODY_NOT_UTF8);
  // Node's parser gives what Fastify's query string parser gives (repeated keys as arrays, no prototype), and
  // the text is valid, so its lenient decoding never applies. maxKeys 0: a default of 1000 would drop keys silently.
  return parseUrlEncoded(text, undefined, undefined, { maxKeys: 0 }) as Record<string, string | string[]>;
}

const frameworkLogger = new Logger('HttpExceptionFilter');

/**
 * Fastify answers a URL it cannot decode (`/x/%FF`) or a path parameter over its length limit without running
 * hooks: the answer gets the same headers, id, body format and access line as any other.
 */
function answerUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error, frameworkLogger);
  reply.raw.once('finish', () => logAccess(request, reply));
  void reply.headers(SECURITY_HEADERS).header(REQUEST_ID_HEADER, request.id).code(status).send(body);
}

/** A request Node's HTTP parser refused (bad framing, oversized headers, a timeout): there is no request to route. */
function answerMalformed(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request timed out']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request headers are too large']
        : [400, 'Malformed HTTP request'];
  const body = JSON.stringify({ error: { message } });
  const headers = {
    ...SECURITY_HEADERS,
    [REQUEST_ID_HEADER]: randomUUID(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  socket.destroy(error);
}

/** The FastifyAdapter options configureFastify relies on. */
export const FASTIFY_OPTIONS = {
  genReqId: requestIdFor,
  frameworkErrors: answerUnroutable,
  clientErrorHandler: answerMalformed,
} satisfies FastifyServerOptions;

/**
 * Request handling that must happen before Nest sees the request: ids and security headers on every answer,
 * and the bodies the Cloudinary SDKs send: JSON, form-urlencoded or empty (with a JSON content type even
 * when empty). Parse failures reach Nest's exception layer and so the same filter as every other error.
 * Pass FASTIFY_OPTIONS to the adapter too.
 */
export function configureFastify(fastify: FastifyInstance, options: { docsPath: string; bodyLimit: number }): void {
  registerRequestContext(fastify);
  registerSecurityHeaders(fastify, options.docsPath);
  answerOversizedBodiesAfterReading(fastify, options.bodyLimit);

  // Hooks and parsers here run on every request: they take Fastify's callback, since an async function would
  // cost a promise each, every time.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const query = request.url.indexOf('?');
    done(query !== -1 && !wellEncoded(request.url.slice(query + 1)) ? AppError.invalid('Query string is not valid UTF-8') : undefined);
  });

  // Only JSON and form bodies mean anything here; anything else is a clear 415 rather than a string body.
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const parser =
    (parse: (body: Buffer) => unknown) => (_req: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
      let value: unknown;
      try {
        value = parse(body);
      } catch (error) {
        return done(error as Error);
      }
      done(null, value);
    };
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parser(parseJsonBody));
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, parser(parseFormBody));

  fastify.addHook('preValidation', (request, _reply, done) => {
    foldBracketKeys(request.query);
    foldBracketKeys(request.body);
    done();
  });
}

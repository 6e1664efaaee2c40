import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BASIC_REALM, toErrorResponse } from '../errors/http-exception.filter.js';
import { AppError } from '../errors/app-error.js';

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

/**
 * Body and error handling that must happen before Nest sees the request: the Cloudinary SDKs send JSON,
 * form-urlencoded or empty bodies (with a JSON content type even when empty), and a parse failure must
 * still answer in Cloudinary's error format.
 */
export async function configureFastify(fastify: FastifyInstance): Promise<void> {
  const logger = new Logger('Http');
  const { default: formbody } = await import('@fastify/formbody');
  await fastify.register(formbody);

  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(AppError.invalid('Malformed JSON body'), undefined);
    }
  });

  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    foldBracketKeys(request.query);
    foldBracketKeys(request.body);
  });

  fastify.setErrorHandler((error, _request, reply) => {
    const { status, body } = toErrorResponse(error, logger);
    if (status === 401) void reply.header('WWW-Authenticate', BASIC_REALM);
    void reply.status(status).send(body);
  });
}

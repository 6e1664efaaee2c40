import type { FastifyInstance, FastifyRequest } from 'fastify';
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
 * Body handling that must happen before Nest sees the request: the Cloudinary SDKs send JSON,
 * form-urlencoded or empty bodies (with a JSON content type even when empty). Parse failures reach
 * Nest's exception layer and so the same filter as every other error.
 */
export async function configureFastify(fastify: FastifyInstance): Promise<void> {
  const { default: formbody } = await import('@fastify/formbody');
  await fastify.register(formbody);

  // Only JSON and form bodies mean anything here; anything else is a clear 415 rather than a string body.
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
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
}

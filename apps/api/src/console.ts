import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_CSP } from '@castellan/core';

export const CONSOLE_PATH = '/console';
/** Vite names what it builds into assets/ by content hash: a changed file is a new URL, so a year is safe. */
const ASSETS_PREFIX = `${CONSOLE_PATH}/assets/`;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The console's static files at /console/, from the API process itself. index.html is revalidated on every
 * load, so a new build is picked up at once; the hashed assets are cached for a year, and errors never. Without a build the
 * console's URLs answer 404 saying how to make one.
 */
export async function registerConsole(fastify: FastifyInstance, dir: string): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    const notBuilt = { error: { message: `The console is not built (no ${join(dir, 'index.html')}): run npm run build` } };
    fastify.get(CONSOLE_PATH, (_request, reply) => reply.code(404).send(notBuilt));
    fastify.get(`${CONSOLE_PATH}/*`, (_request, reply) => reply.code(404).send(notBuilt));
    return;
  }
  fastify.get(CONSOLE_PATH, (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 301));
  await fastify.register(async (scope) => {
    scope.addHook('onSend', (request, reply, payload, done) => {
      // Only a hashed asset that was found is forever: an error (a file a rolling deploy has not reached yet) is not kept.
      const cache = reply.statusCode >= 400 ? 'no-store' : request.url.startsWith(ASSETS_PREFIX) ? IMMUTABLE : 'no-cache';
      void reply.header('cache-control', cache);
      void reply.header('content-security-policy', CONSOLE_CSP);
      done(null, payload);
    });
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: `${CONSOLE_PATH}/`,
      cacheControl: false,
      decorateReply: false,
      index: 'index.html',
    });
  });
}

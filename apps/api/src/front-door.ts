import type { FastifyInstance } from 'fastify';
import { CONSOLE_PATH } from './console.js';

/** A 32×32 castle, PNG inside ICO: what a browser asks for at /favicon.ico on every page, console or docs. */
const FAVICON = Buffer.from(
  'AAABAAEAICAAAAEAIACZAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAGBJREFUeNpjYEAD8lbx/2mJGXABWluM1yH0thzDEQPqgIGyHO6IUQeM' +
    'OgCfJDrAJkaMmlEHjDqAag4gF4w6YNQBNHMAqeqo6gBK1I46YNQBow4YXE2y0Z7RoOicDmT3HAAMaio0exdZEwAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * What a person typing the server's address gets: `/` leads to the console (302, so that a later version may
 * lead elsewhere), and the browser's icon request is answered. Like the console's files, these are public.
 */
export function registerFrontDoor(fastify: FastifyInstance): void {
  fastify.get('/', (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  fastify.get('/favicon.ico', (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').type('image/x-icon').send(FAVICON),
  );
}

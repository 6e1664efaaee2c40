import Fastify, { type FastifyRequest } from 'fastify';
import type { FastifyRouteCheck, WithDecision } from './index.js';
import { DESTROY, describeMiddleware, destroyResource, ROUTES, UNKNOWN_ACTION } from './middleware-contract.fixture.js';

describeMiddleware(
  'Fastify',
  async (client) => {
    const app = Fastify();
    await app.register(client.fastify);
    const answer = async (request: FastifyRequest) => ({ decision: (request as WithDecision<FastifyRequest>).castellan });
    const destroy: FastifyRouteCheck = { action: DESTROY, resource: (request) => destroyResource(request.body) };
    app.post(ROUTES.destroy, { config: { castellan: destroy } }, answer);
    app.post(ROUTES.misdeclared, { config: { castellan: { action: UNKNOWN_ACTION } } }, answer);
    // Registered after the plugin and without config.castellan: the plugin leaves it alone.
    app.post('/open', async () => ({ open: true }));
    await app.ready();
    return {
      async post(path, authorization, body = {}) {
        const res = await app.inject({ method: 'POST', url: path, payload: body, headers: authorization ? { authorization } : {} });
        return { status: res.statusCode, headers: res.headers, body: res.json() };
      },
      close: () => app.close(),
    };
  },
  (context) => {
    it('leaves routes without config.castellan alone', async () => {
      expect(await context().app.post('/open', null)).toMatchObject({ status: 200, body: { open: true } });
    });
  },
);

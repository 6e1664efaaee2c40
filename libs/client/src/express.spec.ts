import express, { type Request, type Response } from 'express';
import request from 'supertest';
import type { WithDecision } from './index.js';
import { DESTROY, describeMiddleware, destroyResource, ROUTES, UNKNOWN_ACTION } from './middleware-contract.fixture.js';

describeMiddleware('Express', async (client) => {
  const app = express();
  app.use(express.json());
  const answer = (req: Request, res: Response) => res.json({ decision: (req as WithDecision<Request>).castellan });
  app.post(ROUTES.destroy, client.express<Request>({ action: DESTROY, resource: (req) => destroyResource(req.body) }), answer);
  app.post(ROUTES.misdeclared, client.express<Request>({ action: UNKNOWN_ACTION }), answer);
  return {
    async post(path, authorization, body = {}) {
      const req = request(app).post(path).send(body);
      if (authorization) req.set('authorization', authorization);
      const res = await req;
      return { status: res.status, headers: res.headers, body: res.body };
    },
    close: async () => undefined,
  };
});

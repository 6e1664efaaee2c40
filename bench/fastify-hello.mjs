// The ceiling: plain Fastify with no plugins, answering the decision route with a fixed decision. Castellan's
// figures are divided by this server's, measured with the same client on the same machine in the same run.
import Fastify from 'fastify';

const DECISION = {
  allowed: true,
  reason: 'ALLOWED',
  key: { api_key: '000000000000000', name: 'hello', kind: 'environment' },
  environment: { id: '00000000000000000000000000000000', cloud_name: 'hello' },
  rule: null,
};

const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok' }));
app.post('/v1_1/authorize', async () => DECISION);
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) });

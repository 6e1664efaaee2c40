import { DataSource } from 'typeorm';
import { startServer, TestServer } from './support/harness.js';

// A suite of its own: it takes the database away from its server, and @nestjs/typeorm keeps
// process-wide state per data source name, so no other server may share this module registry.

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

describe('GET /health', () => {
  test('answers ok without credentials while the database answers', async () => {
    const res = await server.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('answers 503 without credentials once the database does not', async () => {
    await server.app.get(DataSource).destroy();
    const res = await server.http().get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable' });
  });
});

import { startServer, TestServer } from './support/harness.js';

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

test('harness serves an account', async () => {
  const a = await server.newAccount();
  const res = await server.http().get(a.base).auth(...a.auth);
  expect(res.status).toBe(200);
  expect(res.body.id).toBe(a.account_id);
});

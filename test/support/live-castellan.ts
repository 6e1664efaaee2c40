import { createServer as createTcpServer, type Server } from 'node:net';
import { startServer, type TestAccount, type TestServer, uniqueCloudName } from './harness.js';
import type { Rule } from './http.js';

/**
 * A real Castellan listening on a port, for code that calls it over the network (the client library, its
 * middleware, the example services): one account, two product environments, and keys made on demand.
 */
export interface LiveCastellan {
  /** `http://127.0.0.1:<port>` */
  url: string;
  server: TestServer;
  account: TestAccount;
  env: LiveEnvironment;
  /** Another environment of the same account. */
  otherEnv: LiveEnvironment;
  /** A new key of `env` (or of `in`), with `rules` and key settings when given. */
  newKey(options?: { rules?: Rule[]; settings?: Record<string, unknown>; in?: LiveEnvironment }): Promise<LiveKey>;
  setRules(key: LiveKey, rules: Rule[]): Promise<void>;
  /** `PUT` of the key's settings (`enabled`, `rate_limit_per_minute`, …). */
  update(key: LiveKey, settings: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface LiveEnvironment {
  id: string;
  cloud_name: string;
  path: string;
}

export interface LiveKey {
  api_key: string;
  name: string;
  secret: string;
  /** `Basic <base64 key:secret>`, as a caller sends it. */
  authorization: string;
  path: string;
}

export const basic = (key: string, secret: string): string => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

export async function startLiveCastellan(env: Record<string, string> = {}): Promise<LiveCastellan> {
  const server = await startServer(env);
  await server.app.listen(0, '127.0.0.1');
  const url = (await server.app.getUrl()).replace('[::1]', '127.0.0.1');
  const account = await server.newAccount('Client library owner');

  const expectOk = (res: { status: number; body: unknown }, what: string): void => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const newEnvironment = async (): Promise<LiveEnvironment> => {
    const res = await server
      .http()
      .post(`${account.base}/sub_accounts`)
      .auth(...account.auth)
      .send({ name: 'Clients', cloud_name: uniqueCloudName('cl') });
    expectOk(res, 'environment');
    return { id: res.body.id, cloud_name: res.body.cloud_name, path: `${account.base}/sub_accounts/${res.body.id}` };
  };
  const setRules = async (key: LiveKey, rules: Rule[]): Promise<void> => {
    expectOk(
      await server
        .http()
        .put(`${key.path}/permissions`)
        .auth(...account.auth)
        .send({ rules }),
      'permissions',
    );
  };
  const update = async (key: LiveKey, settings: Record<string, unknown>): Promise<void> => {
    expectOk(
      await server
        .http()
        .put(key.path)
        .auth(...account.auth)
        .send(settings),
      'key update',
    );
  };
  const [envA, envB] = [await newEnvironment(), await newEnvironment()];

  return {
    url,
    server,
    account,
    env: envA,
    otherEnv: envB,
    async newKey({ rules, settings = {}, in: environment = envA } = {}) {
      const collection = `${environment.path}/access_keys`;
      const res = await server
        .http()
        .post(collection)
        .auth(...account.auth)
        .send({ name: `k-${Math.random().toString(36).slice(2, 10)}`, ...settings });
      expectOk(res, 'key');
      const { api_key, name, api_secret } = res.body;
      const key: LiveKey = {
        api_key,
        name,
        secret: api_secret,
        authorization: basic(api_key, api_secret),
        path: `${collection}/${api_key}`,
      };
      if (rules) await setRules(key, rules);
      return key;
    },
    setRules,
    update,
    close: () => server.close(),
  };
}

/** An address where nothing listens: a port taken and given back at once. */
export async function deadUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts connections and never answers: a Castellan that hangs. */
export async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startServer, TestServer } from './support/harness.js';

// Slow and idle clients over real sockets: a header line now and then, a body a byte at a time, an idle kept-alive
// connection, and more connections than the server allows. The limits are short here, so that the cuts come
// quickly; each is checked to come after its limit and well before the next multiple of it.

const HEADERS_MS = 800;
const REQUEST_MS = 1600;
const KEEP_ALIVE_MS = 800;
const MAX_CONNECTIONS = 5;

let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startServer({
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
    HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  port = (server.app.getHttpServer().address() as AddressInfo).port;
});
afterAll(() => server.close());

interface Ended {
  /** Everything the server sent. */
  received: string;
  /** Milliseconds from the start of `feed` to the server closing the connection. */
  afterMs: number;
}

/** Connects, writes what `feed` writes on the socket (it may keep writing), and waits for the server to close it. */
function until(feed: (socket: Socket) => void): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let started = 0;
    socket.on('connect', () => {
      started = Date.now();
      feed(socket);
    });
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ received, afterMs: Date.now() - started }));
    setTimeout(() => reject(new Error(`still open after 10 s; received: ${received}`)), 10_000).unref();
  });
}

/** Writes `text` now and then, one piece at a time, for as long as the socket lasts. */
function trickle(socket: Socket, first: string, piece: string, everyMs: number): void {
  socket.write(first);
  const timer = setInterval(() => (socket.writable ? socket.write(piece) : clearInterval(timer)), everyMs);
  socket.on('close', () => clearInterval(timer));
}

const request408 = (received: string) => {
  expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(received).toContain('{"error":{"message":"Request timed out"}}');
};

test('a client sending a header line now and then is answered 408 and cut once the headers timeout has passed', async () => {
  const { received, afterMs } = await until((socket) => trickle(socket, 'GET /health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n', 200));
  request408(received);
  expect(afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
  expect(afterMs).toBeLessThan(3 * HEADERS_MS);
});

test('a client sending its body a byte at a time is answered 408 and cut once the request timeout has passed', async () => {
  const head = 'POST /v1_1/leaks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"secrets":[';
  const { received, afterMs } = await until((socket) => trickle(socket, head, ' ', 100));
  request408(received);
  expect(afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
  expect(afterMs).toBeLessThan(3 * REQUEST_MS);
});

test('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
  const { received, afterMs } = await until((socket) => socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'));
  expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 50);
  expect(afterMs).toBeLessThan(3 * KEEP_ALIVE_MS + 1000);
});

test(`past ${MAX_CONNECTIONS} connections, one more is closed unanswered; once they go, requests are served again`, async () => {
  const held = await Promise.all(
    Array.from(
      { length: MAX_CONNECTIONS },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.on('error', () => undefined);
        }),
    ),
  );
  // The server counts a connection once it accepts it.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const extra = await until((socket) => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
  expect(extra.received).toBe('');
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await server.http().get('/health')).status).toBe(200);
});

test('while slow clients hold connections, ordinary requests are still served', async () => {
  const slow = [0, 1, 2].map(() => until((socket) => trickle(socket, 'GET /health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n', 200)));
  expect((await server.http().get('/health')).status).toBe(200);
  for (const ended of await Promise.all(slow)) request408(ended.received);
});

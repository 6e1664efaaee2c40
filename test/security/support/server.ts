import { randomInt } from 'node:crypto';
import type { Response, Test } from 'supertest';
import { startServer, TestServer } from '../../support/harness.js';
import { bind, Call } from '../../support/http.js';

// The security suites send hundreds of deliberately failing requests. The throttle refuses an address after
// repeated failed authentications, so every request comes from its own address: the server trusts the proxy
// header, and each request names the next address of 198.18.0.0/15 (the benchmarking range, RFC 2544).

const RANGE = 1 << 17;
let nextAddress = randomInt(RANGE);

/** A client address no earlier request of this run used (until 131,072 requests). */
export function nextClientIp(): string {
  nextAddress = (nextAddress + 1) % RANGE;
  return `198.${18 + (nextAddress >> 16)}.${(nextAddress >> 8) & 255}.${nextAddress & 255}`;
}

const VERBS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head', 'options']);

export interface SecurityServer extends TestServer {
  call: Call;
}

/**
 * startServer behind a trusted proxy, every request from a fresh address. `observe` sees every response
 * (the secrets suite records them all).
 */
export async function startSecurityServer(env: Record<string, string> = {}, observe?: (res: Response) => void): Promise<SecurityServer> {
  const base = await startServer({ TRUST_PROXY: 'true', ...env });
  const server: SecurityServer = {
    ...base,
    http: () =>
      new Proxy(base.http(), {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof property !== 'string' || !VERBS.has(property) || typeof value !== 'function') return value;
          return (url: string) => {
            const test = (value as (url: string) => Test).call(target, url).set('x-forwarded-for', nextClientIp());
            if (observe) test.on('response', observe);
            return test;
          };
        },
      }),
    call: undefined as unknown as Call,
  };
  server.call = bind(() => server).call;
  return server;
}

/** Requests a suite keeps in flight at once when their order does not matter. */
export const IN_FLIGHT = 8;

/** Maps every item with at most `limit` calls in flight, keeping the order: refused requests change nothing, so they may overlap. */
export async function inParallel<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

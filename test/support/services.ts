import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A server a suite talks to, beyond the database of the run. */
export interface Service {
  name: string;
  host: string;
  port: number;
}

export const REDIS: Service = { name: 'Redis', host: '127.0.0.1', port: 6379 };

/** The MySQL server of TEST_DATABASE_URL, or the usual local one. */
export function mysqlServer(): Service {
  const url = new URL(process.env.TEST_DATABASE_URL || 'mysql://root@127.0.0.1:3306');
  return { name: 'MySQL', host: url.hostname, port: url.port ? Number(url.port) : 3306 };
}

/** CI sets it, so that a suite whose service is missing fails there instead of skipping. */
export const servicesRequired = (): boolean => process.env.TEST_REQUIRE_SERVICES === '1';

function reachable({ host, port }: Service, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const answer = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => answer(true));
    socket.once('timeout', () => answer(false));
    socket.once('error', () => answer(false));
  });
}

/**
 * `describe` when every service answers (or CI requires them), else `describe.skip` and a line on stderr naming
 * the suite and what it lacks: `npm test` on a machine with nothing installed passes, and says what it left out.
 */
export async function describeWith(suiteUrl: string, ...services: Service[]): Promise<jest.Describe> {
  if (servicesRequired()) return describe;
  const missing = [];
  for (const service of services) if (!(await reachable(service))) missing.push(`${service.name} on ${service.host}:${service.port}`);
  return missing.length === 0 ? describe : skipped(suiteUrl, `no ${missing.join(', no ')}`);
}

/** `describe.skip`, saying so: for a suite that lacks something other than a server (a program, a browser). */
export function skipped(suiteUrl: string, why: string): jest.Describe {
  process.stderr.write(
    `\nSKIPPED ${basename(fileURLToPath(suiteUrl))}: ${why}. CI sets TEST_REQUIRE_SERVICES=1, which makes this a failure.\n`,
  );
  return describe.skip;
}

/** A TCP port of 127.0.0.1 free now, for a server the test starts (and must know the address of beforehand). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

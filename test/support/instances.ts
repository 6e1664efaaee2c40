import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import request from 'supertest';
import { cleanEnvironment, REPO_ROOT } from './cli.js';

// Castellan servers as operators run them: each a process of its own (`node dist/apps/api/src/main.js`), on a
// port of its own. Call buildIfNeeded() first.

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Instance {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly child: ChildProcess;
  /** Settles when the process has exited. */
  readonly exited: Promise<Exit>;
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
  /** A supertest agent for it. */
  http(): ReturnType<typeof request>;
}

/** How long a server may take from its start to its first healthy answer, migrations included. */
const START_TIMEOUT_MS = 60_000;
/** How long a SIGTERM may take (requests in flight, last-use records, connections) before SIGKILL. */
const STOP_TIMEOUT_MS = 15_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when it answers `GET /health` with 200. */
export async function isServing(instance: Instance): Promise<boolean> {
  try {
    return (await instance.http().get('/health').timeout(2000)).status === 200;
  } catch {
    return false;
  }
}

const describeInstance = (instance: Instance) => `${instance.name} (${instance.url})\n--- output ---\n${instance.output()}`;

/**
 * The server processes a suite started. Every one is stopped by stopAll(), which a suite calls in afterAll, so
 * that no process outlives its suite, whichever test failed.
 */
export class Instances {
  private readonly running = new Set<Instance>();

  /**
   * Starts a server with exactly this configuration (nothing from the test's own environment) and returns at once;
   * on a free port unless told which.
   */
  async launch(name: string, env: Record<string, string>, port?: number): Promise<Instance> {
    port ??= await freePort();
    const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      cwd: REPO_ROOT,
      env: cleanEnvironment({ ...env, HOST: '127.0.0.1', PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as Exit);
    const url = `http://127.0.0.1:${port}`;
    const instance: Instance = { name, url, child, exited, output: () => output, http: () => request(url) };
    this.running.add(instance);
    void exited.then(() => this.running.delete(instance));
    return instance;
  }

  /** Starts a server and waits until it is healthy; fails with its output if it exits or takes too long. */
  async start(name: string, env: Record<string, string>): Promise<Instance> {
    const instance = await this.launch(name, env);
    await serving(instance);
    return instance;
  }

  /** Signals every process still running and waits for each to exit. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((instance) => stop(instance)));
  }
}

/** Waits until the instance answers `GET /health`. */
export async function serving(instance: Instance): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exit: Exit | undefined;
  void instance.exited.then((e) => (exit = e));
  while (!(await isServing(instance))) {
    if (exit) throw new Error(`${instance.name} exited during its start (${exit.code ?? exit.signal}): ${describeInstance(instance)}`);
    if (Date.now() > deadline)
      throw new Error(`${instance.name} did not answer /health within ${START_TIMEOUT_MS} ms: ${describeInstance(instance)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** CPU time a process has used so far, in clock ticks: utime + stime of Linux's /proc/<pid>/stat. */
function cpuTicks(pid: number): number {
  // Fields after the command name, which ends with ") ": the state is field 3, utime and stime are 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until none of the instances has used any CPU for `quietMs`: during its start a server computes without
 * pause, so a quiet one is blocked, e.g. waiting for a lock. Linux only.
 */
export async function blocked(instances: Instance[], quietMs = 500): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let before = instances.map((instance) => cpuTicks(instance.child.pid!));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = instances.map((instance) => cpuTicks(instance.child.pid!));
    if (now.every((ticks, i) => ticks === before[i])) return;
    if (Date.now() > deadline) throw new Error(`still busy after ${START_TIMEOUT_MS} ms: ${instances.map(describeInstance).join('\n')}`);
    before = now;
  }
}

/** Sends `signal` (SIGTERM: a clean stop) and waits for the exit; a process that outstays STOP_TIMEOUT_MS is killed. */
export async function stop(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill(signal);
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    return await instance.exited;
  } finally {
    clearTimeout(timer);
  }
}

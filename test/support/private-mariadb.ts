import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './services.js';

/**
 * A MariaDB server of the test's own, on its own port and data directory, that the test may stop (SIGSTOP) and
 * resume without touching the shared server everything else uses.
 */
export interface PrivateMariadb {
  /** A database on it, as a DATABASE_URL. */
  url: string;
  /** Stops it (SIGSTOP) and returns once the kernel says it is stopped. */
  freeze(): Promise<void>;
  thaw(): void;
  stop(): Promise<void>;
}

/** The two programs it needs, or why they cannot be used here. */
export function mariadbPrograms(): { server: string; install: string } | { missing: string } {
  const find = (name: string, ...places: string[]) =>
    [...places, ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, name))].find((path) => existsSync(path));
  const server = find('mariadbd', '/usr/sbin/mariadbd');
  const install = find('mariadb-install-db', '/usr/bin/mariadb-install-db');
  if (!server || !install) return { missing: 'mariadbd and mariadb-install-db (Debian package mariadb-server) are not installed' };
  return { server, install };
}

export async function startPrivateMariadb(programs: { server: string; install: string }): Promise<PrivateMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'castellan-mariadb-'));
  const data = join(dir, 'data');
  const user = `--user=${userInfo().username}`;
  const installArgs = ['--no-defaults', `--datadir=${data}`, user, '--auth-root-authentication-method=normal', '--skip-test-db'];
  const installed = spawnSync(programs.install, installArgs, { encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`mariadb-install-db failed: ${installed.stderr}`);
  const port = await freePort();
  const log = openSync(join(dir, 'server.log'), 'a');
  const serverArgs = [
    ...['--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'sock')}`, user],
    ...['--skip-log-bin', '--innodb-buffer-pool-size=16M'],
  ];
  const server: ChildProcess = spawn(programs.server, serverArgs, { stdio: ['ignore', log, log] });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const connection = { host: '127.0.0.1', port, user: 'root' };
  for (let tries = 0; ; tries++) {
    try {
      const admin = await createConnection(connection);
      await admin.query('CREATE DATABASE castellan CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
      await admin.end();
      break;
    } catch (error) {
      if (tries > 150 || server.exitCode !== null) {
        throw new Error(`the private MariaDB did not start (see ${dir}/server.log): ${String(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: `mysql://root@127.0.0.1:${port}/castellan`,
    async freeze() {
      server.kill('SIGSTOP');
      // A signal is delivered asynchronously: until every thread has stopped, the server may still answer.
      const state = () => readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]![0];
      while (state() !== 'T') await new Promise((resolve) => setTimeout(resolve, 5));
    },
    thaw: () => void server.kill('SIGCONT'),
    async stop() {
      server.kill('SIGCONT');
      server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

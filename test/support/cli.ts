import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where users run `npm run cli`. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Variables the CLI and the server read as configuration, and ones Jest's own npm process passes down, which a
// user's shell would not have: npm_config_* would override the user's npm settings, NODE_OPTIONS enables Jest's VM modules.
const CONFIG_VARIABLES = [
  'DATABASE_URL',
  'PERMISSION_PLUGINS',
  'HOST',
  'PORT',
  'PUBLIC_URL',
  'SECRET_PEPPER',
  'SECRET_PEPPER_FILE',
  'DEFAULT_ENVIRONMENT_LIMIT',
  'BOOTSTRAP_ACCOUNT_NAME',
  'LOG_LEVEL',
  'SMTP_URL',
  'MAIL_FROM',
  'TRUST_PROXY',
  'REDIS_URL',
  'AUTH_FAILURE_BURST',
  'KEY_CACHE_TTL_SECONDS',
  'DATABASE_REPLICA_URLS',
  'CONSOLE_DIR',
  'NODE_OPTIONS',
];

/** This process's environment without any of those, and with `overrides`. */
export function cleanEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_') || CONFIG_VARIABLES.includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...overrides };
}

/**
 * Runs a command in the repository root as a user's shell would, and collects everything it printed. `input`
 * is written to its standard input, which is otherwise empty.
 */
export function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
  input?: string | Buffer,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: cleanEnvironment(env), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `npm run -s cli -- <args>`, exactly as docs/operations.md and the README's walk-through tell an operator to run it from a checkout. */
export function runCli(args: string[], env: Record<string, string>, input?: string | Buffer): Promise<CliResult> {
  return run('npm', ['run', '-s', 'cli', '--', ...args], env, undefined, input);
}

/** Brings dist/ up to date once, so that the CLI runs under test are not slowed or garbled by a build. */
export async function buildIfNeeded(): Promise<void> {
  const result = await run('node', ['scripts/build-if-needed.mjs'], {}, 180_000);
  if (result.code !== 0) throw new Error(`build-if-needed failed (${result.code}):\n${result.stderr}${result.stdout}`);
}

/** A readable description of a run, for failed expectations. */
export function describeRun(result: CliResult): string {
  return (
    `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}` +
    `\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`
  );
}

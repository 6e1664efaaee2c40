import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

export type DatabaseConfig =
  | { driver: 'sqlite'; path: string }
  | { driver: 'mysql'; url: string; host: string; port: number; username: string; password: string; database: string };

/** Everything the processes read from their environment, validated once at boot. */
export class AppConfig {
  constructor(
    readonly database: DatabaseConfig,
    readonly host: string,
    readonly port: number,
    readonly publicUrl: string,
    readonly secretPepper: string,
    readonly defaultEnvironmentLimit: number,
    readonly bootstrapAccountName: string,
    readonly logLevel: LogLevel,
    /** Where mail goes; unset writes messages to the log instead. */
    readonly smtpUrl: string | undefined,
    readonly mailFrom: string,
  ) {}
}

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Nest wants every level to print, not a threshold. */
export function enabledLogLevels(threshold: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(threshold) + 1);
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/castellan.sqlite';

/** The most product environments any account may be allowed; also keeps limits inside an INT column. */
export const MAX_ENVIRONMENT_LIMIT = 100_000;

export function parseDatabaseUrl(value: string): DatabaseConfig {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error('expected sqlite:<path>');
    return { driver: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('expected mysql://user:pass@host:port/db or sqlite:<path>');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`unsupported scheme "${url.protocol}", expected mysql://user:pass@host:port/db or sqlite:<path>`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database) throw new Error('expected mysql://user:pass@host:port/db with a host and a database name');
  return {
    driver: 'mysql',
    url: value,
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

const databaseUrl = z.string().default(DEFAULT_DATABASE_URL).transform((value, ctx) => {
  try {
    return parseDatabaseUrl(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const schema = z.object({
  DATABASE_URL: databaseUrl,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SECRET_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  SECRET_PEPPER_FILE: z.string().min(1).default('./data/secret-pepper'),
  DEFAULT_ENVIRONMENT_LIMIT: z.coerce.number().int().min(1).max(MAX_ENVIRONMENT_LIMIT).default(100),
  BOOTSTRAP_ACCOUNT_NAME: z.string().min(1).max(255).default('Default account'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('log'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Castellan <castellan@localhost>'),
});

export class ConfigError extends Error {}

/**
 * The pepper keys every secret hash, so it must outlive restarts. Without SECRET_PEPPER we keep a generated
 * one in a file beside the data, so that a first start needs nothing installed; production sets the variable.
 */
function resolvePepper(explicit: string | undefined, file: string): string {
  if (explicit) return explicit;
  const path = resolve(file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  writeFileSync(path, pepper + '\n', { mode: 0o600, flag: 'wx' });
  return pepper;
}

/** Validates the environment; the one place that reads it. Throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty variables are treated as unset, as a shell user expects from `FOO= npm start`.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const c = parsed.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://${c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST}:${c.PORT}`).replace(/\/+$/, '');
  return new AppConfig(
    c.DATABASE_URL,
    c.HOST,
    c.PORT,
    publicUrl,
    resolvePepper(c.SECRET_PEPPER, c.SECRET_PEPPER_FILE),
    c.DEFAULT_ENVIRONMENT_LIMIT,
    c.BOOTSTRAP_ACCOUNT_NAME,
    c.LOG_LEVEL,
    c.SMTP_URL,
    c.MAIL_FROM,
  );
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseCidr } from '../net/ip-ranges.js';

/** One MySQL server and the database on it. */
export interface MysqlServer {
  url: string;
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

/** On MySQL, `replicas` may answer reads that tolerate lag (DATABASE_REPLICA_URLS); writes go to the primary. */
export type DatabaseConfig = { driver: 'sqlite'; path: string } | (MysqlServer & { driver: 'mysql'; replicas: MysqlServer[] });

/**
 * Whom to believe about the client's address: nobody (the socket's peer is the client), every proxy, the
 * nearest N hops, or proxies at these addresses. Fastify's trustProxy takes each of these forms.
 */
export type TrustProxy = boolean | number | string[];

interface AppConfigFields {
  database: DatabaseConfig;
  host: string;
  port: number;
  publicUrl: string;
  secretPepper: string;
  defaultEnvironmentLimit: number;
  bootstrapAccountName: string;
  logLevel: LogLevel;
  /** Where mail goes; unset writes messages to the log instead. */
  smtpUrl: string | undefined;
  mailFrom: string;
  trustProxy: TrustProxy;
  /** Shared state between instances (throttling, rate limits); unset keeps it in this process's memory. */
  redisUrl: string | undefined;
  /** Failed authentications a client address (or an api_key) may make before each further one blocks it. */
  authFailureBurst: number;
  /** The oldest a verified key's cached entry may be: how long a change the instance was not told about can go unseen. */
  keyCacheTtlSeconds: number;
  /** The built console (`npm run build` writes dist/console), served at /console. */
  consoleDir: string;
  http: HttpLimits;
  /** The longest one database statement (connecting included) may take before its request is answered 503. */
  databaseTimeoutMs: number;
  /** Permission plugin modules to load besides the built-in ones: package names and absolute paths, in order. */
  permissionPlugins: readonly string[];
  signIn: SignInLimits;
}

/** How long what lets a person in lasts. */
export interface SignInLimits {
  /** A console session unused this long ends. */
  sessionIdleMinutes: number;
  /** A console session ends this long after it began, however busy. */
  sessionMaxHours: number;
  /** An invitation link works this long after it was sent. */
  invitationValidHours: number;
  /** A password reset link works this long after it was sent. */
  passwordResetValidMinutes: number;
}

/** How long a client may take, and how many may be connected: slow or idle clients must not hold the server. */
export interface HttpLimits {
  /** From the connection (or the previous request) to the end of a request's headers. */
  headersTimeoutMs: number;
  /** From the connection (or the previous request) to the end of a request's body. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; one more is closed as it is accepted. */
  maxConnections: number;
}

/** Everything the processes read from their environment, validated once at boot. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends Readonly<AppConfigFields> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  constructor(fields: AppConfigFields) {
    Object.assign(this, fields);
  }
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
  return { driver: 'mysql', ...parseMysqlUrl(value), replicas: [] };
}

function parseMysqlUrl(value: string): MysqlServer {
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
    url: value,
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

const databaseUrl = z
  .string()
  .default(DEFAULT_DATABASE_URL)
  .transform((value, ctx) => {
    try {
      return parseDatabaseUrl(value);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

/** A comma-separated list of MySQL URLs; empty is none. */
const replicaUrls = z
  .string()
  .default('')
  .transform((value, ctx) => {
    if (!value.trim()) return [];
    try {
      return value.split(',').map((item, i) => {
        const text = item.trim();
        // Counted rather than quoted: a URL may hold a password.
        if (!/^(mysql|mariadb):\/\//.test(text))
          throw new Error(`URL ${i + 1}: expected mysql://user:pass@host:port/db, URLs separated by commas`);
        return parseMysqlUrl(text);
      });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

const trustProxy = z
  .string()
  .default('false')
  .transform((value, ctx): TrustProxy => {
    const text = value.trim().toLowerCase();
    if (text === 'false' || text === '0') return false;
    if (text === 'true') return true;
    if (/^\d+$/.test(text)) return Number(text);
    const ranges: string[] = [];
    for (const item of text.split(',')) {
      const parsed = parseCidr(item);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: `expected false, true, a hop count or proxy addresses/CIDR ranges: ${parsed.error}` });
        return z.NEVER;
      }
      ranges.push(parsed.range);
    }
    return ranges;
  });

/** An npm package name (scoped or not; upper case for old packages), and optionally a path inside it. */
const PACKAGE_SPECIFIER = /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*(\/[\w.~@-]+)*$/i;
const MODULE_FORMS = 'a package name, an absolute path, a path starting with ./ or ../, or a file: URL';

/**
 * A comma-separated list of module specifiers: package names, absolute paths, `file:` URLs, or paths starting
 * with ./ or ../, which are made absolute against the working directory here, as CONSOLE_DIR is. Only the form is
 * checked here; whether each is there and is a plugin is the loader's (@castellan/permissions) to say, at start.
 */
const permissionPlugins = z
  .string()
  .default('')
  .transform((value, ctx) => {
    if (!value.trim()) return [];
    const modules: string[] = [];
    for (const [i, item] of value.split(',').entries()) {
      const text = item.trim();
      const refuse = (message: string) => {
        ctx.addIssue({ code: 'custom', message: `entry ${i + 1} ${message}` });
        return z.NEVER;
      };
      if (!text) return refuse('is empty; separate module specifiers with single commas');
      const specifier = moduleSpecifier(text);
      if (!specifier) return refuse(`("${text}") is not ${MODULE_FORMS}`);
      if (modules.includes(specifier)) return refuse(`("${text}") is listed twice`);
      modules.push(specifier);
    }
    return modules;
  });

/** A package name as it is; a path or file: URL as an absolute path; undefined for anything else. */
function moduleSpecifier(text: string): string | undefined {
  if (isAbsolute(text) || /^\.\.?\//.test(text)) return resolve(text);
  if (text.startsWith('file:')) {
    try {
      return fileURLToPath(text);
    } catch {
      return undefined;
    }
  }
  return PACKAGE_SPECIFIER.test(text) ? text : undefined;
}

const schema = z.object({
  DATABASE_URL: databaseUrl,
  DATABASE_REPLICA_URLS: replicaUrls,
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
  TRUST_PROXY: trustProxy,
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  AUTH_FAILURE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(10),
  KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CONSOLE_DIR: z.string().min(1).default('dist/console'),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(800),
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  PERMISSION_PLUGINS: permissionPlugins,
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  INVITATION_VALID_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  PASSWORD_RESET_VALID_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
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
  if (c.HTTP_REQUEST_TIMEOUT_MS < c.HTTP_HEADERS_TIMEOUT_MS) {
    throw new ConfigError(
      'Invalid configuration: HTTP_REQUEST_TIMEOUT_MS: must not be shorter than HTTP_HEADERS_TIMEOUT_MS ' +
        '(the headers are part of the request)',
    );
  }
  if (c.DATABASE_REPLICA_URLS.length > 0 && c.DATABASE_URL.driver !== 'mysql') {
    throw new ConfigError('Invalid configuration: DATABASE_REPLICA_URLS: read replicas need a MySQL DATABASE_URL');
  }
  const publicUrl = (c.PUBLIC_URL ?? `http://${c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST}:${c.PORT}`).replace(/\/+$/, '');
  return new AppConfig({
    database: c.DATABASE_URL.driver === 'mysql' ? { ...c.DATABASE_URL, replicas: c.DATABASE_REPLICA_URLS } : c.DATABASE_URL,
    host: c.HOST,
    port: c.PORT,
    publicUrl,
    secretPepper: resolvePepper(c.SECRET_PEPPER, c.SECRET_PEPPER_FILE),
    defaultEnvironmentLimit: c.DEFAULT_ENVIRONMENT_LIMIT,
    bootstrapAccountName: c.BOOTSTRAP_ACCOUNT_NAME,
    logLevel: c.LOG_LEVEL,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    trustProxy: c.TRUST_PROXY,
    redisUrl: c.REDIS_URL,
    authFailureBurst: c.AUTH_FAILURE_BURST,
    keyCacheTtlSeconds: c.KEY_CACHE_TTL_SECONDS,
    consoleDir: resolve(c.CONSOLE_DIR),
    http: {
      headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: c.HTTP_MAX_CONNECTIONS,
    },
    databaseTimeoutMs: c.DATABASE_TIMEOUT_MS,
    permissionPlugins: c.PERMISSION_PLUGINS,
    signIn: {
      sessionIdleMinutes: c.SESSION_IDLE_MINUTES,
      sessionMaxHours: c.SESSION_MAX_HOURS,
      invitationValidHours: c.INVITATION_VALID_HOURS,
      passwordResetValidMinutes: c.PASSWORD_RESET_VALID_MINUTES,
    },
  });
}

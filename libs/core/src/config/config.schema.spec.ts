import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.schema.js';

const dir = mkdtempSync(join(tmpdir(), 'castellan-config-'));
const base = { SECRET_PEPPER_FILE: join(dir, 'pepper') };

describe('loadConfig', () => {
  test('defaults to an SQLite file under ./data on 127.0.0.1:3000', () => {
    const config = loadConfig(base);
    expect(config.database).toEqual({ driver: 'sqlite', path: resolve('data/castellan.sqlite') });
    expect([config.host, config.port, config.publicUrl]).toEqual(['127.0.0.1', 3000, 'http://127.0.0.1:3000']);
  });

  test('reads a MySQL URL', () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'mysql://u:p%40ss@db.example:3307/castellan' });
    expect(config.database).toMatchObject({
      driver: 'mysql',
      host: 'db.example',
      port: 3307,
      username: 'u',
      password: 'p@ss',
      database: 'castellan',
    });
  });

  test('reads MySQL replicas as a comma-separated list, none by default', () => {
    const primary = { ...base, DATABASE_URL: 'mysql://u:p@primary:3306/castellan' };
    expect(loadConfig(primary).database).toMatchObject({ driver: 'mysql', host: 'primary', replicas: [] });
    expect(loadConfig({ ...primary, DATABASE_REPLICA_URLS: '' }).database).toMatchObject({ replicas: [] });
    const config = loadConfig({
      ...primary,
      DATABASE_REPLICA_URLS: 'mysql://r:s%40cret@replica-1/castellan , mariadb://r@replica-2:3307/castellan',
    });
    expect(config.database).toMatchObject({
      host: 'primary',
      replicas: [
        { host: 'replica-1', port: 3306, username: 'r', password: 's@cret', database: 'castellan' },
        { host: 'replica-2', port: 3307, username: 'r', password: '', database: 'castellan' },
      ],
    });
  });

  test.each([
    ['mysql://r:secret@replica/castellan', 'sqlite:./data/castellan.sqlite', 'read replicas need a MySQL DATABASE_URL'],
    ['sqlite:./replica.sqlite', 'mysql://u@primary/castellan', 'URL 1: expected mysql://'],
    ['mysql://r@replica-1/castellan,', 'mysql://u@primary/castellan', 'URL 2: expected mysql://'],
    ['mysql://r@replica-1/castellan,postgres://r:secret@replica-2/castellan', 'mysql://u@primary/castellan', 'URL 2: expected mysql://'],
    ['mysql://r@replica-without-db', 'mysql://u@primary/castellan', 'with a host and a database name'],
  ])('refuses DATABASE_REPLICA_URLS=%s with DATABASE_URL=%s, naming the variable and no password', (replicas, primary, message) => {
    const load = () => loadConfig({ ...base, DATABASE_URL: primary, DATABASE_REPLICA_URLS: replicas });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^Invalid configuration: DATABASE_REPLICA_URLS: [^\n]+$/);
    expect(load).toThrow(message);
    expect(load).not.toThrow(/secret/);
  });

  test('bounds slow clients: headers in 10 s, a whole request in 30 s, idle keep-alive 5 s, 800 connections', () => {
    expect(loadConfig(base).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 800,
    });
    expect(() => loadConfig({ ...base, HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      'Invalid configuration: HTTP_REQUEST_TIMEOUT_MS: must not be shorter than HTTP_HEADERS_TIMEOUT_MS ' +
        '(the headers are part of the request)',
    );
    expect(() => loadConfig({ ...base, HTTP_MAX_CONNECTIONS: '0' })).toThrow(/^Invalid configuration: HTTP_MAX_CONNECTIONS: /);
  });

  test('bounds each database statement by 2 s unless told otherwise, between 100 ms and a minute', () => {
    expect([loadConfig(base).databaseTimeoutMs, loadConfig({ ...base, DATABASE_TIMEOUT_MS: '500' }).databaseTimeoutMs]).toEqual([
      2_000, 500,
    ]);
    for (const bad of ['99', '60001', 'soon']) {
      expect(() => loadConfig({ ...base, DATABASE_TIMEOUT_MS: bad })).toThrow(/^Invalid configuration: DATABASE_TIMEOUT_MS: /);
    }
  });

  test('keeps verified keys 30 seconds unless told otherwise', () => {
    expect([loadConfig(base).keyCacheTtlSeconds, loadConfig({ ...base, KEY_CACHE_TTL_SECONDS: '5' }).keyCacheTtlSeconds]).toEqual([30, 5]);
  });

  test('ends sessions idle 30 minutes or 12 hours old; links work 72 hours (invitations) and an hour (resets)', () => {
    expect(loadConfig(base).signIn).toEqual({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      invitationValidHours: 72,
      passwordResetValidMinutes: 60,
    });
    const set = { SESSION_IDLE_MINUTES: '5', SESSION_MAX_HOURS: '1', INVITATION_VALID_HOURS: '24', PASSWORD_RESET_VALID_MINUTES: '15' };
    expect(loadConfig({ ...base, ...set }).signIn).toEqual({
      sessionIdleMinutes: 5,
      sessionMaxHours: 1,
      invitationValidHours: 24,
      passwordResetValidMinutes: 15,
    });
  });

  test('treats empty variables as unset', () => {
    expect(loadConfig({ ...base, DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });

  test.each([
    ['DATABASE_URL', 'postgres://x/y'],
    ['DATABASE_URL', 'mysql://host-without-db'],
    ['DATABASE_URL', 'not a url'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['SECRET_PEPPER', 'too-short'],
    ['PUBLIC_URL', 'ftp://x'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'maybe'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['AUTH_FAILURE_BURST', '0'],
    ['KEY_CACHE_TTL_SECONDS', '0'],
    ['KEY_CACHE_TTL_SECONDS', '3601'],
    ['KEY_CACHE_TTL_SECONDS', '1.5'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['SESSION_MAX_HOURS', '721'],
    ['INVITATION_VALID_HOURS', 'soon'],
    ['PASSWORD_RESET_VALID_MINUTES', '4'],
  ])('refuses %s=%s with a one-line message naming the variable', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}: [^\\n]+$`));
  });

  test('generates a pepper once, private to its owner, and reuses it', () => {
    const first = loadConfig(base).secretPepper;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(base).secretPepper).toBe(first);
    expect(readFileSync(base.SECRET_PEPPER_FILE, 'utf8').trim()).toBe(first);
    expect(statSync(base.SECRET_PEPPER_FILE).mode & 0o077).toBe(0);
  });

  test('believes no proxy unless told to', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.1/32']);
  });

  test('prefers SECRET_PEPPER when set', () => {
    expect(loadConfig({ ...base, SECRET_PEPPER: 'x'.repeat(40) }).secretPepper).toBe('x'.repeat(40));
  });
});

import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { AccountService, CreatedAccount } from '@castellan/accounts';
import { loadConfig } from '@castellan/core';
import type { PermissionPlugin } from '@castellan/permissions';
import { createApp } from '../../apps/api/src/create-app.js';

/**
 * A real Castellan over HTTP: SQLite in a fresh temporary file by default, or the MySQL database named by
 * TEST_DATABASE_URL. Suites share nothing but that database, and scope everything to accounts they create.
 */
export interface TestServer {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  /** A new account with its root key, made through the same service the CLI uses. */
  newAccount(name?: string): Promise<TestAccount>;
  close(): Promise<void>;
}

export interface TestAccount extends CreatedAccount {
  /** `/v1_1/provisioning/accounts/<id>` */
  base: string;
  auth: [string, string];
}

export const usingMysql = (): boolean => Boolean(process.env.TEST_DATABASE_URL);

/** `plugins` replaces the built-in permission plugins, e.g. to add a third-party one. */
export async function startServer(env: Record<string, string> = {}, plugins?: PermissionPlugin[]): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'castellan-test-'));
  const config = loadConfig({
    DATABASE_URL: process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'test.sqlite')}`,
    SECRET_PEPPER_FILE: join(dir, 'pepper'),
    LOG_LEVEL: 'error',
    // Suites send many wrong credentials from one address; test/throttling.e2e-spec.ts tests the real burst.
    AUTH_FAILURE_BURST: '1000000',
    ...env,
  });
  const app = await createApp(config, plugins);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const accounts = app.get(AccountService);
  return {
    app,
    http: () => request(app.getHttpServer()),
    async newAccount(name = 'Test account') {
      const created = await accounts.create(name);
      return { ...created, base: `/v1_1/provisioning/accounts/${created.account_id}`, auth: [created.api_key, created.api_secret] };
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cloud name no other test run has taken: cloud names are unique across accounts and runs share MySQL. */
export function uniqueCloudName(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Where in the body a refused request went wrong: error answers name it when a validation knows, and only then. */
export const OPTIONAL_PATH = {
  asymmetricMatch: (value: unknown) => value === undefined || (typeof value === 'string' && value !== ''),
  toAsymmetricMatcher: () => 'a path or none',
};
/** The action a 403 of the grant invariant is about, and only there. */
export const OPTIONAL_ACTION = { ...OPTIONAL_PATH, toAsymmetricMatcher: () => 'an action or none' };
export const ERROR_BODY = { error: { message: expect.any(String), path: OPTIONAL_PATH, action: OPTIONAL_ACTION } };
export const INVALID_CREDENTIALS = { error: { message: 'Invalid credentials' } };
/** Cloudinary's timestamps: ISO-8601 UTC, seconds precision. */
export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function expectError(res: { status: number; body: unknown }, status: number, body: object = ERROR_BODY): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
}

/** Runs refused requests and proves that what `read` returns did not change. */
export async function expectUnchanged<T>(read: () => Promise<T>, attempt: () => Promise<void>): Promise<void> {
  const before = await read();
  await attempt();
  expect(await read()).toEqual(before);
}

/** Matches null, or a string matching the pattern: a key's last use is null until it is recorded. */
export const nullOr = (pattern: RegExp) => ({
  asymmetricMatch: (value: unknown) => value === null || (typeof value === 'string' && pattern.test(value)),
  toAsymmetricMatcher: () => `null or ${pattern}`,
});

/** How a key is set up when nothing restricts it: no expiry, no grace period running, any address, no limit. */
export const KEY_SETTING_DEFAULTS = { expires_at: null, previous_secret_expires_at: null, allowed_ips: null, rate_limit_per_minute: null };

/** Fields of a key as lists show it (no secret), in Cloudinary's order. */
export const LISTED_KEY_FIELDS = [
  'name',
  'api_key',
  'created_at',
  'updated_at',
  'enabled',
  'root',
  'description',
  'last_used_at',
  'last_used_ip',
  ...Object.keys(KEY_SETTING_DEFAULTS),
];

/** Fields of a key as the response that issued it shows them: the secret after the api_key, its paste-ready form last. */
export const issuedKeyFields = (urlField: 'api_environment_variable' | 'account_url'): string[] => [
  ...LISTED_KEY_FIELDS.slice(0, 2),
  'api_secret',
  ...LISTED_KEY_FIELDS.slice(2),
  urlField,
];

/** The key made together with its account or environment, as a list shows it. */
export const rootKeyListing = (apiKey: string) => ({
  name: 'Root',
  api_key: apiKey,
  created_at: expect.stringMatching(ISO_SECONDS),
  updated_at: expect.stringMatching(ISO_SECONDS),
  enabled: true,
  root: true,
  description: null,
  last_used_at: nullOr(ISO_SECONDS),
  last_used_ip: nullOr(/./),
  ...KEY_SETTING_DEFAULTS,
});

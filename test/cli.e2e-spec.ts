import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AccountEntity } from '../libs/accounts/src/account.entity.js';
import { LeakService } from '@castellan/leaks';
import { startServer, TestServer, uniqueCloudName } from './support/harness.js';
import { buildIfNeeded, CliResult, describeRun, runCli } from './support/cli.js';
import { startSmtp, TestSmtp } from './support/smtp.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@castellan/core';

// The operator CLI run as a child process, `npm run -s cli -- ...` from the repository root, exactly as an operator
// runs it; its results are checked against a real server on the same database.

const CLI_TIMEOUT = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir: string;
let databaseUrl: string;
let pepperFile: string;

beforeAll(async () => {
  await buildIfNeeded();
  dir = mkdtempSync(join(tmpdir(), 'castellan-cli-'));
  databaseUrl = process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'cli.sqlite')}`;
  pepperFile = join(dir, 'pepper');
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The CLI against this file's database, with the same pepper the servers below use. */
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { DATABASE_URL: databaseUrl, SECRET_PEPPER_FILE: pepperFile });

/**
 * The CLI is another process: without Redis it cannot tell a running server of the keys it changed, and the
 * server sees the change once its cached entries reach their maximum age. The servers here keep them 1 s.
 */
const SERVER_KEY_CACHE_TTL_MS = 1000;

/** A server on the CLI's database and pepper. */
const serverOnSameDatabase = (): Promise<TestServer> =>
  startServer({ DATABASE_URL: databaseUrl, SECRET_PEPPER_FILE: pepperFile, KEY_CACHE_TTL_SECONDS: String(SERVER_KEY_CACHE_TTL_MS / 1000) });

/** A CLI command that changes a key, once the running server's cached entries have aged out. */
async function keyChange(...args: string[]): Promise<CliResult> {
  const result = await cli('key', ...args);
  await new Promise((resolve) => setTimeout(resolve, SERVER_KEY_CACHE_TTL_MS + 100));
  return result;
}

interface CreatedJson {
  account_id: string;
  api_key: string;
  api_secret: string;
  account_url: string;
}

/** Runs `account create --json` and checks that stdout is exactly one JSON object of the documented shape. */
async function createJson(name: string): Promise<CreatedJson> {
  const result = await cli('account', 'create', '--name', name, '--json');
  expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
  let parsed: unknown;
  expect(() => (parsed = JSON.parse(result.stdout.trim()))).not.toThrow();
  // One object on one line, and nothing else on stdout (no npm banner, no build output, no log lines).
  expect(result.stdout).toBe(JSON.stringify(parsed) + '\n');
  const created = parsed as CreatedJson;
  expect(Object.keys(created).sort()).toEqual(['account_id', 'account_url', 'api_key', 'api_secret']);
  expect(created.account_id).toMatch(UUID);
  expect(created.api_key).toMatch(/^\d{15}$/);
  expect(created.api_secret).toEqual(expect.any(String));
  expect(created.api_secret.length).toBeGreaterThan(0);
  expect(created.account_url).toBe(`account://${created.api_key}:${created.api_secret}@${created.account_id}`);
  return created;
}

const accountPath = (id: string) => `/v1_1/provisioning/accounts/${id}`;

describe('account create --json, then a server started on the same database', () => {
  test(
    'prints exactly one JSON object whose credentials work against the server',
    async () => {
      const created = await createJson('Acme');
      const cleanRun = await cli('account', 'create', '--name', 'Acme quiet', '--json');
      expect(cleanRun.stderr).toBe('');

      const server = await serverOnSameDatabase();
      try {
        const res = await server.http().get(accountPath(created.account_id)).auth(created.api_key, created.api_secret);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: created.account_id, name: 'Acme', limits: { product_environments: expect.any(Number) } });
        // And the secret is really checked.
        const wrong = await server
          .http()
          .get(accountPath(created.account_id))
          .auth(created.api_key, created.api_secret.slice(0, -1) + (created.api_secret.endsWith('x') ? 'y' : 'x'));
        expect(wrong.status).toBe(401);
      } finally {
        await server.close();
      }
    },
    CLI_TIMEOUT * 2,
  );
});

describe('with a server running on the same database', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Migrate the database through the CLI first, so that the CLI's first run is not the one under test here.
    const migrated = await cli('migrate');
    if (migrated.code !== 0) throw new Error(`migrate failed: ${describeRun(migrated)}`);
    server = await serverOnSameDatabase();
  }, CLI_TIMEOUT);

  afterAll(async () => {
    await server?.close();
  });

  test(
    'an account created by the CLI while the server runs can use the running server at once',
    async () => {
      const created = await createJson(`Live ${randomUUID().slice(0, 8)}`);
      const base = accountPath(created.account_id);

      const account = await server.http().get(base).auth(created.api_key, created.api_secret);
      expect(account.status).toBe(200);
      expect(account.body.id).toBe(created.account_id);

      // The server can write for it too, and the CLI can write again while the server holds the database.
      const env = await server
        .http()
        .post(`${base}/sub_accounts`)
        .auth(created.api_key, created.api_secret)
        .send({ name: 'Live env', cloud_name: uniqueCloudName('cli') });
      expect(env.status).toBeLessThan(300);
      const limited = await cli('account', 'set-limit', '--account', created.account_id, '--product-environments', '5', '--json');
      expect({ code: limited.code, run: describeRun(limited) }).toEqual({ code: 0, run: expect.any(String) });
      const listed = await server.http().get(`${base}/sub_accounts`).auth(created.api_key, created.api_secret);
      expect(listed.status).toBe(200);
      expect(listed.body.sub_accounts.map((e: { id: string }) => e.id)).toEqual([env.body.id]);
    },
    CLI_TIMEOUT * 2,
  );

  test(
    'account create without --json prints human text showing the secret, and those credentials work',
    async () => {
      const name = `Human ${randomUUID().slice(0, 8)}`;
      const result = await cli('account', 'create', '--name', name);
      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
      expect(result.stderr).toBe('');
      expect(() => JSON.parse(result.stdout)).toThrow();

      const field = (label: string): string => {
        const lines = result.stdout.split('\n').filter((line) => new RegExp(`^\\s*${label}\\s`).test(line));
        expect(lines).toHaveLength(1);
        return lines[0]!.trim().split(/\s+/)[1]!;
      };
      const accountId = field('account_id');
      const apiKey = field('api_key');
      const apiSecret = field('api_secret');
      const url = field('account_url');
      expect(accountId).toMatch(UUID);
      expect(apiKey).toMatch(/^\d{15}$/);
      expect(url).toBe(`account://${apiKey}:${apiSecret}@${accountId}`);
      expect(result.stdout).toContain(name);
      expect(result.stdout).toMatch(/shown this once/i);
      // The secret appears on its own line and inside account_url, nowhere else.
      expect(result.stdout.split(apiSecret).length - 1).toBe(2);

      const res = await server.http().get(accountPath(accountId)).auth(apiKey, apiSecret);
      expect(res.status).toBe(200);
      expect(res.body.name).toBe(name);
    },
    CLI_TIMEOUT,
  );

  test(
    'account set-limit --json prints the account with the new limit, and the server enforces it',
    async () => {
      const created = await createJson('Limited');
      const result = await cli('account', 'set-limit', '--account', created.account_id, '--product-environments', '7', '--json');
      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
      const account = JSON.parse(result.stdout.trim());
      expect(account).toMatchObject({ id: created.account_id, name: 'Limited', limits: { product_environments: 7 } });

      const base = accountPath(created.account_id);
      const seen = await server.http().get(base).auth(created.api_key, created.api_secret);
      expect(seen.body.limits).toEqual({ product_environments: 7 });

      // Down to 1: the running server allows one product environment and refuses the second.
      const one = await cli('account', 'set-limit', '--account', created.account_id, '--product-environments', '1', '--json');
      expect(JSON.parse(one.stdout.trim()).limits.product_environments).toBe(1);
      const first = await server
        .http()
        .post(`${base}/sub_accounts`)
        .auth(created.api_key, created.api_secret)
        .send({ name: 'One', cloud_name: uniqueCloudName('lim') });
      expect(first.status).toBeLessThan(300);
      const second = await server
        .http()
        .post(`${base}/sub_accounts`)
        .auth(created.api_key, created.api_secret)
        .send({ name: 'Two', cloud_name: uniqueCloudName('lim') });
      expect(second.status).toBe(403);
      expect(second.body.error.message).toMatch(/limit/i);
    },
    CLI_TIMEOUT * 2,
  );

  test(
    'key reset-permissions gives an account locked out by its own policy its root key back',
    async () => {
      const created = await createJson('Locked out');
      const base = accountPath(created.account_id);
      const as = (req: ReturnType<ReturnType<TestServer['http']>['get']>) => req.auth(created.api_key, created.api_secret);
      const narrowed = await as(server.http().put(`${base}/account_api_keys/${created.api_key}/permissions`)).send({
        rules: [{ effect: 'allow', actions: ['provisioning:account.read'] }],
      });
      expect(narrowed.status).toBe(200);
      expect((await as(server.http().get(`${base}/account_api_keys`))).status).toBe(403);

      const result = await keyChange('reset-permissions', '--api-key', created.api_key, '--json');
      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
      expect(JSON.parse(result.stdout.trim())).toEqual({ api_key: created.api_key, kind: 'account', account_id: created.account_id });
      expect((await as(server.http().get(`${base}/account_api_keys`))).status).toBe(200);

      // User keys too: their scope is their user.
      const user = await as(server.http().post(`${base}/users`)).send({
        name: 'U',
        email: `reset-${Date.now()}@example.com`,
        role: 'admin',
      });
      const userKey = await as(server.http().post(`${base}/users/${user.body.id}/api_keys`)).send({});
      const userKeyPermissions = `${base}/users/${user.body.id}/api_keys/${userKey.body.api_key}/permissions`;
      await as(server.http().put(userKeyPermissions)).send({ rules: [{ effect: 'allow', actions: ['provisioning:account.read'] }] });
      expect((await keyChange('reset-permissions', '--api-key', userKey.body.api_key, '--json')).code).toBe(0);
      expect((await as(server.http().get(userKeyPermissions))).body.default).toBe(true);

      const unknown = await cli('key', 'reset-permissions', '--api-key', '100000000000000');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/not found/i);
    },
    CLI_TIMEOUT * 4,
  );

  describe('key rotate', () => {
    /** 200 when the key and secret authenticate against the running server, 401 when not. */
    const authStatus = async (apiKey: string, secret: string) => (await server.http().get('/v1_1/keys/self').auth(apiKey, secret)).status;

    test(
      '--json prints exactly {api_key, api_secret, previous_secret_expires_at, enabled}; ' +
        'the old secret stops at once, or after --grace-seconds',
      async () => {
        const created = await createJson('Rotated');
        const result = await keyChange('rotate', '--api-key', created.api_key, '--json');
        expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
        const rotated = JSON.parse(result.stdout.trim());
        expect(result.stdout).toBe(JSON.stringify(rotated) + '\n');
        expect(rotated).toEqual({
          api_key: created.api_key,
          api_secret: expect.stringMatching(/^cstla_[0-9A-Za-z]{38}$/),
          previous_secret_expires_at: null,
          enabled: true,
        });
        expect([await authStatus(created.api_key, rotated.api_secret), await authStatus(created.api_key, created.api_secret)]).toEqual([
          200, 401,
        ]);

        const graced = JSON.parse(
          (await keyChange('rotate', '--api-key', created.api_key, '--grace-seconds', '600', '--json')).stdout.trim(),
        );
        expect(Date.parse(graced.previous_secret_expires_at) - Date.now()).toBeGreaterThan(500_000);
        expect([await authStatus(created.api_key, graced.api_secret), await authStatus(created.api_key, rotated.api_secret)]).toEqual([
          200, 200,
        ]);
      },
      CLI_TIMEOUT * 2,
    );

    test(
      'without --json it prints the new secret of an environment key with its CLOUDINARY_URL, once',
      async () => {
        const created = await createJson('Rotated environment');
        const env = await server
          .http()
          .post(`${accountPath(created.account_id)}/sub_accounts`)
          .auth(created.api_key, created.api_secret)
          .send({ name: 'Env', cloud_name: uniqueCloudName('rot') });
        const { key, secret } = env.body.api_access_keys[0];
        const result = await keyChange('rotate', '--api-key', key);
        expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
        expect(result.stderr).toBe('');
        const newSecret = /^\s*api_secret\s+(\S+)$/m.exec(result.stdout)![1]!;
        expect(result.stdout).toContain(`CLOUDINARY_URL=cloudinary://${key}:${newSecret}@${env.body.cloud_name}`);
        expect(result.stdout).toMatch(/previous secret no longer works/);
        expect(result.stdout).toMatch(/shown this once/i);
        expect(result.stdout.split(newSecret).length - 1).toBe(2);
        expect([await authStatus(key, newSecret), await authStatus(key, secret)]).toEqual([200, 401]);
      },
      CLI_TIMEOUT,
    );

    test(
      'an account whose only key a leak report disabled gets back in with --enable, and the leaked secret stays dead',
      async () => {
        const created = await createJson('Leaked');
        expect(
          (
            await server
              .http()
              .post('/v1_1/leaks')
              .send({ secrets: [created.api_secret] })
          ).status,
        ).toBe(200);
        await server.app.get(LeakService).settled();
        expect(await authStatus(created.api_key, created.api_secret)).toBe(401);

        const stillDisabled = JSON.parse((await keyChange('rotate', '--api-key', created.api_key, '--json')).stdout.trim());
        expect(stillDisabled.enabled).toBe(false);
        expect(await authStatus(created.api_key, stillDisabled.api_secret)).toBe(401);

        const result = await keyChange('rotate', '--api-key', created.api_key, '--enable', '--json');
        expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
        const back = JSON.parse(result.stdout.trim());
        expect(back.enabled).toBe(true);
        expect([await authStatus(created.api_key, back.api_secret), await authStatus(created.api_key, created.api_secret)]).toEqual([
          200, 401,
        ]);
      },
      CLI_TIMEOUT * 2,
    );

    test.each([['abc'], ['604801'], ['1.5']])(
      '--grace-seconds %s exits non-zero and leaves the secret as it was',
      async (value) => {
        const created = await createJson('Refused rotation');
        const result = await cli('key', 'rotate', '--api-key', created.api_key, '--grace-seconds', value, '--json');
        expect(result.code).not.toBe(0);
        expect(result.code).not.toBeNull();
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain('--grace-seconds');
        expect(await authStatus(created.api_key, created.api_secret)).toBe(200);
      },
      CLI_TIMEOUT * 2,
    );

    test(
      'an unknown key exits 1 and says "not found" on stderr',
      async () => {
        const result = await cli('key', 'rotate', '--api-key', '100000000000000', '--json');
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/not found/i);
      },
      CLI_TIMEOUT,
    );
  });

  test(
    'account set-limit for an unknown account exits 1 and says "not found" on stderr',
    async () => {
      const missing = randomUUID();
      const result = await cli('account', 'set-limit', '--account', missing, '--product-environments', '3', '--json');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/not found/i);
      expect(result.stderr).toContain(missing);
    },
    CLI_TIMEOUT,
  );

  // 20 digits pass a "whole number" check but are no exact JavaScript number and fit no integer column.
  test.each([
    ['not a number', 'abc'],
    ['too large to store', '99999999999999999999'],
    ['over the maximum limit', '100001'],
  ])(
    'account set-limit with a value %s exits non-zero and leaves the limit as it was',
    async (_, value) => {
      const created = await createJson('Refused limit');
      const readLimits = async () =>
        (await server.http().get(accountPath(created.account_id)).auth(created.api_key, created.api_secret)).body.limits;
      const before = await readLimits();
      const result = await cli('account', 'set-limit', '--account', created.account_id, '--product-environments', value, '--json');
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toBe('');
      expect(await readLimits()).toEqual(before);
    },
    CLI_TIMEOUT * 2,
  );

  test(
    'account list --json is a JSON array holding the accounts the CLI created',
    async () => {
      const created = await createJson(`Listed ${randomUUID().slice(0, 8)}`);
      const result = await cli('account', 'list', '--json');
      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
      const all = JSON.parse(result.stdout.trim()) as { id: string; name: string; limits: { product_environments: number } }[];
      expect(Array.isArray(all)).toBe(true);
      const mine = all.find((a) => a.id === created.account_id);
      expect(mine).toMatchObject({ id: created.account_id, limits: { product_environments: expect.any(Number) } });
      expect(mine!.name).toMatch(/^Listed /);
      // Secrets are never listed.
      expect(result.stdout).not.toContain(created.api_secret);
    },
    CLI_TIMEOUT * 2,
  );

  test(
    "account create applies the API's input rules: a name with control characters is refused, and nothing is made",
    async () => {
      const before = await cli('account', 'list', '--json');
      const result = await cli('account', 'create', '--name', 'Bad\u001b[2Jname');
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 1,
        stderr: 'error: name must not contain control characters\n',
      });
      expect((await cli('account', 'list', '--json')).stdout).toBe(before.stdout);
    },
    CLI_TIMEOUT * 2,
  );

  test(
    'account list prints a name an older release stored with control characters as escapes, on its own line',
    async () => {
      const created = await createJson(`Escaped ${randomUUID().slice(0, 8)}`);
      const server = await serverOnSameDatabase();
      try {
        await server.app
          .get(DataSource)
          .getRepository(AccountEntity)
          .update({ id: created.account_id }, { name: 'Evil\nfake line\u001b[31m\\' });
      } finally {
        await server.close();
      }
      const result = await cli('account', 'list');
      const line = result.stdout.split('\n').find((l) => l.startsWith(created.account_id));
      expect(line).toBe(`${created.account_id}  Evil\\nfake line\\x1b[31m\\\\  (product environments: at most 100)`);
      expect(result.stdout).not.toContain('\u001b');
    },
    CLI_TIMEOUT * 2,
  );

  test(
    'migrate exits 0 and says the database is up to date',
    async () => {
      const result = await cli('migrate');
      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 0, run: expect.any(String) });
      expect(result.stdout).toMatch(/^Database is up to date \(\d+ migrations? applied\)\.\n$/);
      expect(result.stderr).toBe('');
    },
    CLI_TIMEOUT,
  );
});

describe('user invite', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let accountId: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    accountId = (await createJson('Invited by the operator')).account_id;
    server = await serverOnSameDatabase();
  }, CLI_TIMEOUT);
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });
  const invite = (...args: string[]) =>
    runCli(['user', 'invite', '--account', accountId, ...args], {
      DATABASE_URL: databaseUrl,
      SECRET_PEPPER_FILE: pepperFile,
      SMTP_URL: smtp.url,
    });

  test(
    "makes a master admin (by default) and mails the invitation, which the server accepts: an account's first person",
    async () => {
      const email = `first.${randomUUID()}@example.com`;
      const result = await invite('--email', email, '--name', 'First Admin', '--json');
      expect(result.code).toBe(0);
      const created = JSON.parse(result.stdout);
      expect(created).toMatchObject({ email, name: 'First Admin', role: 'master_admin', pending: true });
      const mail = smtp.mails.find((m) => m.to.includes(email));
      const token = /\/console\/#\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(mail?.text ?? '')?.[1];
      expect(token).toBeDefined();
      const accepted = await server
        .http()
        .post('/v1_1/invitations/accept')
        .set(CSRF_HEADER, CSRF_HEADER_VALUE)
        .send({ token, password: 'correct horse battery staple 9' });
      expect({ status: accepted.status, body: accepted.body }).toEqual({
        status: 200,
        body: { status: 'signed_in', account_id: accountId, user_id: created.id },
      });
    },
    CLI_TIMEOUT,
  );

  test(
    "the API's rules for a user: a bad email, an unknown role, an email taken, an unknown account: exit 1, one line, nothing made",
    async () => {
      const taken = `taken.${randomUUID()}@example.com`;
      expect((await invite('--email', taken, '--name', 'Once', '--role', 'billing')).code).toBe(0);
      for (const [args, words] of [
        [['--email', 'not an email', '--name', 'X'], 'email'],
        [['--email', `r.${randomUUID()}@example.com`, '--name', 'X', '--role', 'emperor'], 'role'],
        [['--email', taken.toUpperCase(), '--name', 'Twice'], 'already exists'],
      ] as const) {
        const result = await invite(...args);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(words)]);
      }
      const unknown = await runCli(['user', 'invite', '--account', randomUUID(), '--email', 'u@example.com', '--name', 'U'], {
        DATABASE_URL: databaseUrl,
        SECRET_PEPPER_FILE: pepperFile,
      });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/not found/i);
    },
    CLI_TIMEOUT * 2,
  );
});

describe('operator mistakes', () => {
  test(
    'a DATABASE_URL the CLI cannot use: exit 1 and a one-line message naming DATABASE_URL',
    async () => {
      const result = await runCli(['account', 'list', '--json'], { DATABASE_URL: 'postgres://x', SECRET_PEPPER_FILE: pepperFile });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('DATABASE_URL');
      expect(lines[0]).not.toMatch(/\bat\s.+:\d+:\d+/); // no stack trace
    },
    CLI_TIMEOUT,
  );

  test(
    'migrate with the same bad DATABASE_URL fails the same way',
    async () => {
      const result = await runCli(['migrate'], { DATABASE_URL: 'postgres://x', SECRET_PEPPER_FILE: pepperFile });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('DATABASE_URL')]);
    },
    CLI_TIMEOUT,
  );

  test(
    'account create without --name, or with a blank name, exits non-zero and creates nothing',
    async () => {
      const missing = await cli('account', 'create', '--json');
      expect(missing.code).not.toBe(0);
      expect(missing.code).not.toBeNull();
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toContain('--name');

      const blank = await cli('account', 'create', '--name', '   ', '--json');
      expect(blank.code).toBe(1);
      expect(blank.stdout).toBe('');
      expect(blank.stderr).toMatch(/name/);
    },
    CLI_TIMEOUT * 2,
  );
});

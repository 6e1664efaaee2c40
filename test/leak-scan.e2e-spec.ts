import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '@castellan/core';
import { startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { bind, Json, okBody } from './support/http.js';
import { buildIfNeeded, CliResult, describeRun, runCli } from './support/cli.js';

// `npm run -s cli -- scan`: finds Castellan secrets in files or stdin by their format and checksum, offline. The
// credentials are real ones, in the forms a server hands them out.

const CLI_TIMEOUT = 60_000;

let dir: string;
let server: TestServer;
let account: TestAccount;
let environmentKey: Json;
/** Every secret the suite writes into a file: none may ever be printed whole. */
const secrets: string[] = [];

beforeAll(async () => {
  await buildIfNeeded();
  dir = mkdtempSync(join(tmpdir(), 'castellan-scan-'));
  server = await startServer();
  account = await server.newAccount('Scanned');
  const { call } = bind(() => server);
  const env = await okBody(
    call('post', `${account.base}/sub_accounts`, account.auth, { name: 'Scanned env', cloud_name: uniqueCloudName('scan') }),
  );
  environmentKey = env.api_access_keys[0];
  secrets.push(account.api_secret, environmentKey.secret);
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The scan with a DATABASE_URL no command could open: a scan must need neither the database nor the
 * configuration (it runs in CI jobs that have neither).
 */
const scan = (args: string[], input?: string | Buffer): Promise<CliResult> =>
  runCli(['scan', ...args], { DATABASE_URL: 'postgres://nowhere' }, input);

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const preview = (secret: string) => `${secret.slice(0, 10)}…`;

function expectNoWholeSecret(result: CliResult): void {
  for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
}

describe('scan', () => {
  test(
    'prints each secret found, with its api_key and kind, and exits 1',
    async () => {
      const user = generateSecret('user');
      secrets.push(user);
      const env = file(
        '.env',
        `CLOUDINARY_URL=${environmentKey.api_environment_variable}\r\nCLOUDINARY_ACCOUNT_URL=${account.account_url}\r\n`,
      );
      const yaml = file('config.yml', `castellan:\n  api_key: 100000000000042\n  api_secret: ${user}\n`);
      const clean = file('clean.txt', `nothing here but a look-alike: cstle_${'a'.repeat(38)}\n`);

      const result = await scan([env, clean, yaml]);

      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 1, run: expect.any(String) });
      const cloudUrlColumn = 'CLOUDINARY_URL=cloudinary://'.length + 15 + 2;
      const accountUrlColumn = 'CLOUDINARY_ACCOUNT_URL=account://'.length + 15 + 2;
      expect(result.stdout).toBe(
        [
          `${env}:1:${cloudUrlColumn}  environment  ${environmentKey.key}  ${preview(environmentKey.secret)}`,
          `${env}:2:${accountUrlColumn}  account  ${account.api_key}  ${preview(account.api_secret)}`,
          `${yaml}:3:15  user  100000000000042  ${preview(user)}`,
          '',
        ].join('\n'),
      );
      expect(result.stderr).toBe('');
      expectNoWholeSecret(result);
    },
    CLI_TIMEOUT,
  );

  test(
    '--json prints an array of findings; an api_key nothing names is null',
    async () => {
      const loose = file('notes.md', `# rotate this\n\n    ${account.api_secret}\n`);
      const result = await scan(['--json', loose]);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual([
        { file: loose, line: 3, column: 5, kind: 'account', api_key: null, secret_preview: preview(account.api_secret) },
      ]);
      expectNoWholeSecret(result);
    },
    CLI_TIMEOUT,
  );

  test.each([
    ['no files', []],
    ['-', ['-']],
  ])(
    'with %s, reads standard input, binary content too',
    async (_, args) => {
      const input = Buffer.concat([randomBytes(512), Buffer.from(`\n${environmentKey.key}:${environmentKey.secret}\n`), randomBytes(512)]);
      const result = await scan(['--json', ...args], input);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual([
        expect.objectContaining({
          file: '(stdin)',
          kind: 'environment',
          api_key: environmentKey.key,
          secret_preview: preview(environmentKey.secret),
        }),
      ]);
      expectNoWholeSecret(result);
    },
    CLI_TIMEOUT,
  );

  test(
    'finds nothing in clean text: exit 0, and an empty array with --json',
    async () => {
      const tampered = environmentKey.secret.slice(0, -1) + (environmentKey.secret.endsWith('a') ? 'b' : 'a');
      const text = file('tampered.txt', `api_secret: ${tampered}\n`);
      const plain = await scan([text]);
      expect({ code: plain.code, stdout: plain.stdout, stderr: plain.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
      const json = await scan(['--json'], 'no secrets here\n');
      expect({ code: json.code, stdout: json.stdout }).toEqual({ code: 0, stdout: '[]\n' });
    },
    CLI_TIMEOUT,
  );

  test(
    'a file it cannot read: a message naming it on stderr, the other files still scanned, exit 2',
    async () => {
      const missing = join(dir, 'missing.txt');
      const directory = join(dir, 'a-directory');
      mkdirSync(directory);
      const found = file('found.txt', `${account.api_key}:${account.api_secret}\n`);

      const result = await scan([missing, found, directory]);

      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 2, run: expect.any(String) });
      expect(result.stdout).toBe(`${found}:1:17  account  ${account.api_key}  ${preview(account.api_secret)}\n`);
      expect(result.stderr).toBe(`error: ${missing}: no such file\nerror: ${directory}: is a directory\n`);
    },
    CLI_TIMEOUT,
  );

  test(
    'a FIFO, a socket or a device is refused at once (it would be read without end), the other files still scanned',
    async () => {
      const fifo = join(dir, 'a-fifo');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const found = file('fifo-neighbour.txt', `${account.api_key}:${account.api_secret}\n`);
      const result = await scan([fifo, '/dev/zero', found]);
      expect({ code: result.code, run: describeRun(result) }).toEqual({ code: 2, run: expect.any(String) });
      expect(result.stdout).toBe(`${found}:1:17  account  ${account.api_key}  ${preview(account.api_secret)}\n`);
      const refused = 'not a regular file (a FIFO, a socket or a device would be read without end)';
      expect(result.stderr).toBe(`error: ${fifo}: ${refused}\nerror: /dev/zero: ${refused}\n`);
    },
    CLI_TIMEOUT,
  );

  test(
    'a file name holding a newline or a terminal escape is printed escaped, so it cannot fake a line of the report',
    async () => {
      const name = `evil\n${'x'.repeat(3)}:1:1  account  123456789012345  cstla_FAKE…\u001b[2K.txt`;
      const found = file(name, `${account.api_key}:${account.api_secret}\n`);
      const result = await scan([found]);
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n').filter((line) => line !== '')).toHaveLength(1);
      expect(result.stdout).toBe(
        `${dir}/evil\\nxxx:1:1  account  123456789012345  cstla_FAKE…\\x1b[2K.txt:1:17  ` +
          `account  ${account.api_key}  ${preview(account.api_secret)}\n`,
      );
    },
    CLI_TIMEOUT,
  );

  test(
    'a usage error exits 2, not 1, which means "found"',
    async () => {
      const result = await scan(['--no-such-option']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--no-such-option');
    },
    CLI_TIMEOUT,
  );
});

import { existsSync, readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { Response } from 'supertest';
import type { TestAccount } from '../support/harness.js';
import { uniqueCloudName, usingMysql } from '../support/harness.js';
import { Call, Form, Json, ok } from '../support/http.js';
import { dumpEveryTable, sqliteFiles } from './support/database.js';
import { SecurityServer, startSecurityServer } from './support/server.js';

// Secrets stay secret: after a run that creates, rotates, uses, misuses and reports keys of every kind, no
// secret is in the logs, in any answer but the one that issued it, or anywhere in the database.

/** A secret, and the one answer allowed to show it (none for a key made outside HTTP). */
interface Issued {
  what: string;
  apiKey: string;
  secret: string;
  issuedBy: Response | null;
}

const logged: string[] = [];
const answers: Response[] = [];
const issued: Issued[] = [];
let server: SecurityServer;
let owner: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  }
  // Each key is refused many times here, some with wrong secrets: the throttle is not what this suite is about.
  server = await startSecurityServer({ LOG_LEVEL: 'verbose', AUTH_FAILURE_BURST: '1000' }, (res) => answers.push(res));
  [owner, other] = [await server.newAccount('Secrets owner'), await server.newAccount('Secrets bystander')];
  issued.push({ what: 'the account root key (made by the CLI service)', apiKey: owner.api_key, secret: owner.api_secret, issuedBy: null });
});
afterAll(async () => {
  await server?.close();
  jest.restoreAllMocks();
});

/** Forms a secret takes where it might slip: itself, its random part, and inside a Basic header. */
function needles({ apiKey, secret }: Issued): string[] {
  return [secret, secret.slice(6, 38), Buffer.from(`${apiKey}:${secret}`).toString('base64')];
}

const send: Call = (...request) => server.call(...request);

/** Issues a key through the API and notes its secret with the answer that showed it. */
async function issue(
  what: string,
  path: string,
  body: Record<string, unknown>,
  read: (json: Json) => [string, string] = (j) => [j.api_key, j.api_secret],
) {
  const res = await send('post', path, owner.auth, body);
  const [apiKey, secret] = read(ok(res));
  issued.push({ what, apiKey, secret, issuedBy: res });
  return { apiKey, secret, json: res.body as Json };
}

/** Uses a key every way a caller might, rightly and wrongly. */
async function use(apiKey: string, secret: string, keyPath: string, statusWhenValid: number) {
  const self = '/v1_1/keys/self';
  expect((await send('get', self, [apiKey, secret])).status).toBe(statusWhenValid);
  expect((await send('post', '/v1_1/authorize', [apiKey, secret], { action: 'upload:upload' })).status).toBe(statusWhenValid);
  expect((await send('post', '/v1_1/authorize', [apiKey, secret], new Form(`action=upload%3Aupload&api_secret=${secret}`))).status).toBe(
    statusWhenValid,
  );
  expect((await send('post', '/v1_1/authorize', [apiKey, secret], { action: 'upload:upload', api_secret: secret, secret })).status).toBe(
    statusWhenValid,
  );
  expect((await send('get', `${self}?api_secret=${secret}`, [apiKey, secret])).status).toBe(statusWhenValid);
  // Wrong: a broken checksum, another key's secret, an unknown api_key, another account's path.
  const broken = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
  expect((await send('get', self, [apiKey, broken])).status).toBe(401);
  expect((await send('get', self, [apiKey, other.api_secret])).status).toBe(401);
  expect((await send('get', self, ['999999999999999', secret])).status).toBe(401);
  expect((await send('get', other.base, [apiKey, secret])).status).toBe(401);
  // Mistakes: the secret where the api_key belongs, in a path and as the user name of the Basic header.
  expect((await send('get', `${self}/${secret}`, [apiKey, secret])).status).toBe(404);
  expect((await send('put', `${keyPath}/${secret}`, owner.auth, { description: 'x' })).status).toBe(404);
  expect((await send('delete', `${keyPath}/${secret}`, owner.auth)).status).toBeGreaterThanOrEqual(400);
  expect((await send('get', self, [secret, secret])).status).toBe(401);
}

/** Waits for a leak report to stop the key: reports are answered at once and acted on after. */
async function stopped(collection: string, apiKey: string): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    const list = ok(await send('get', `${collection}?page_size=1000`, owner.auth));
    const key = (Object.values(list).find(Array.isArray) as Json[]).find((k) => k.api_key === apiKey);
    if (key && !key.enabled) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the reported key ${apiKey} was not disabled`);
}

describe('secrets stay secret', () => {
  test('keys of every kind are made, used, misused, rotated, disabled and reported', async () => {
    const env = await issue(
      'the first key of an environment',
      `${owner.base}/sub_accounts`,
      { name: 'Secrets env', cloud_name: uniqueCloudName('sec') },
      (j) => [j.api_access_keys[0].key, j.api_access_keys[0].secret],
    );
    const envKeys = `${owner.base}/sub_accounts/${env.json.id}/access_keys`;
    const user = ok(
      await send('post', `${owner.base}/users`, owner.auth, {
        name: 'Secret keeper',
        email: `keeper@${owner.account_id}.example`,
        role: 'admin',
      }),
    );
    const userKeys = `${owner.base}/users/${user.id}/api_keys`;
    const keys = [
      {
        collection: `${owner.base}/account_api_keys`,
        made: await issue('an account API key', `${owner.base}/account_api_keys`, { name: 'account' }),
      },
      { collection: envKeys, made: await issue('an environment access key', envKeys, { name: 'environment' }) },
      { collection: userKeys, made: await issue('a user API key', userKeys, { name: 'user' }) },
    ];
    await use(owner.api_key, owner.api_secret, `${owner.base}/account_api_keys`, 200);
    await use(env.apiKey, env.secret, envKeys, 200);

    for (const { collection, made } of keys) {
      await use(made.apiKey, made.secret, collection, 200);
      // With a grace period both secrets work; with none, only the newest.
      const graced = await issue(`${made.apiKey} rotated with grace`, `${collection}/${made.apiKey}/rotate`, { grace_seconds: 300 });
      await use(made.apiKey, made.secret, collection, 200);
      await use(made.apiKey, graced.secret, collection, 200);
      const rotated = await issue(`${made.apiKey} rotated at once`, `${collection}/${made.apiKey}/rotate`, { grace_seconds: 0 });
      await use(made.apiKey, graced.secret, collection, 401);
      await use(made.apiKey, rotated.secret, collection, 200);
      ok(await send('put', `${collection}/${made.apiKey}`, owner.auth, { enabled: false }));
      await use(made.apiKey, rotated.secret, collection, 401);
      ok(await send('put', `${collection}/${made.apiKey}`, owner.auth, { enabled: true }));
      // Reported by a stranger, without credentials.
      ok(await send('post', '/v1_1/leaks', null, { secrets: [rotated.secret] }));
      await stopped(collection, made.apiKey);
      await use(made.apiKey, rotated.secret, collection, 401);
    }
    // Audit reads, which list every failure above.
    ok(await send('get', `${owner.base}/audit_events?page_size=200`, owner.auth));
    expect(issued.length).toBeGreaterThanOrEqual(5);
  });

  test('no secret is in the logs, which the run did fill', async () => {
    const text = logged.join('');
    expect(text).toMatch(/GET \/v1_1\/keys\/self 200/);
    expect(
      issued.flatMap((s) =>
        needles(s)
          .filter((n) => text.includes(n))
          .map(() => s.what),
      ),
    ).toEqual([]);
  });

  test('no secret is in any answer but the one that issued it', () => {
    const leaks: string[] = [];
    for (const res of answers) {
      const text = `${JSON.stringify(res.headers)}\n${res.text}`;
      for (const s of issued)
        if (res !== s.issuedBy && needles(s).some((n) => text.includes(n)))
          leaks.push(`${s.what} in ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(leaks).toEqual([]);
    expect(answers.length).toBeGreaterThan(100);
  });

  test('no secret is in the database: every row of every table (the audit log too), and the SQLite files byte for byte', async () => {
    const tables = (await dumpEveryTable(server.app)).split('\n');
    const files = (sqliteFiles(server.app) ?? [])
      .filter((f) => existsSync(f))
      .map((f) => ({ name: f, bytes: readFileSync(f).toString('latin1') }));
    const found = issued.flatMap((s) => [
      ...tables.filter((rows) => needles(s).some((n) => rows.includes(n))).map((rows) => `${s.what} in table ${rows.split(':', 1)[0]}`),
      ...files.filter((f) => needles(s).some((n) => f.bytes.includes(n))).map((f) => `${s.what} in ${f.name}`),
    ]);
    expect(found).toEqual([]);
    expect(tables.join('\n')).toContain(owner.api_key);
    expect(files.length).toBe(usingMysql() ? 0 : 2);
  });
});

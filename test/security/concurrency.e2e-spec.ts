import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../../libs/credentials/src/api-key.entity.js';
import type { TestAccount } from '../support/harness.js';
import { uniqueCloudName } from '../support/harness.js';
import { Credentials, Json, ok } from '../support/http.js';
import { SecurityServer, startSecurityServer } from './support/server.js';

// Keys made, rotated, disabled and deleted at the same moment. On SQLite the transactions queue in-process;
// on MySQL they really run side by side, each under the account lock.

let server: SecurityServer;
let owner: TestAccount;

beforeAll(async () => {
  server = await startSecurityServer();
  owner = await server.newAccount('Concurrency');
});
afterAll(() => server?.close());

const PARALLEL = 200;

async function newEnvironment(): Promise<{ keys: string; root: string }> {
  const env = ok(
    await server.call('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Parallel', cloud_name: uniqueCloudName('sec') }),
  );
  return { keys: `${owner.base}/sub_accounts/${env.id}/access_keys`, root: env.api_access_keys[0].key };
}

/** Whether the key authenticates with that secret: 200 or 401, nothing else. */
async function works(credentials: Credentials): Promise<boolean> {
  const res = await server.call('get', '/v1_1/keys/self', credentials);
  expect([200, 401]).toContain(res.status);
  return res.status === 200;
}

async function createdInParallel(keys: string, body: (i: number) => Record<string, unknown>): Promise<Json[]> {
  const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => server.call('post', keys, owner.auth, body(i))));
  return answers.map(ok);
}

/** After parallel creates: every key and secret distinct, the count right, the listing exactly them, each secret its own key's. */
async function expectConsistent(keys: string, root: string, made: Json[]): Promise<void> {
  expect(new Set(made.map((k) => k.api_key)).size).toBe(PARALLEL);
  expect(new Set(made.map((k) => k.api_secret)).size).toBe(PARALLEL);
  expect(new Set(made.map((k) => k.name)).size).toBe(PARALLEL);
  const list = ok(await server.call('get', `${keys}?page_size=1000`, owner.auth));
  expect(list.total).toBe(PARALLEL + 1);
  expect(list.access_keys.map((k: Json) => k.api_key).sort()).toEqual([root, ...made.map((k) => k.api_key)].sort());
  const verdicts = await Promise.all(made.map((k) => works([k.api_key, k.api_secret])));
  expect(verdicts.filter((v) => !v)).toEqual([]);
}

describe('a product environment or a user deleted while keys are made in it', () => {
  const GENERATES = 60;

  /** Deletes the parent halfway through a burst of generates: each answers 200 or 404, and no key outlives its parent. */
  async function race(collection: string, remove: string, parent: { environmentId?: string; userId?: string }): Promise<void> {
    const generates = Array.from({ length: GENERATES }, (_, i) => server.call('post', collection, owner.auth, { name: `racing ${i}` }));
    const deleted = server.call('delete', remove, owner.auth);
    const answers = await Promise.all([...generates, deleted]);
    expect(answers.map((res) => res.status).filter((status) => status !== 200 && status !== 404)).toEqual([]);
    expect(answers.at(-1)!.status).toBe(200);
    expect(answers.some((res) => res.status === 404 || res.status === 200)).toBe(true);
    expect(
      await server.app
        .get(DataSource)
        .getRepository(ApiKeyEntity)
        .countBy({ accountId: owner.account_id, ...parent }),
    ).toBe(0);
  }

  test('an environment: every generate is a 200 or a 404, never a 500, and none of its keys remains', async () => {
    const env = ok(
      await server.call('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Going', cloud_name: uniqueCloudName('sec') }),
    );
    await race(`${owner.base}/sub_accounts/${env.id}/access_keys`, `${owner.base}/sub_accounts/${env.id}`, { environmentId: env.id });
  });

  test('a user: likewise for its personal keys', async () => {
    const user = ok(
      await server.call('post', `${owner.base}/users`, owner.auth, { name: 'Going', email: `going-${Date.now()}@example.com` }),
    );
    await race(`${owner.base}/users/${user.id}/api_keys`, `${owner.base}/users/${user.id}`, { userId: user.id });
  });
});

describe('parallel key creation', () => {
  test(`${PARALLEL} named keys at once: ${PARALLEL} distinct keys and secrets, and a count that agrees`, async () => {
    const { keys, root } = await newEnvironment();
    const made = await createdInParallel(keys, (i) => ({ name: `parallel ${i}` }));
    expect(made.map((k) => k.name).sort()).toEqual(Array.from({ length: PARALLEL }, (_, i) => `parallel ${i}`).sort());
    await expectConsistent(keys, root, made);
  });

  test(`${PARALLEL} unnamed keys at once: each named after its own api_key`, async () => {
    const { keys, root } = await newEnvironment();
    const made = await createdInParallel(keys, () => ({}));
    expect(made.filter((k) => k.name !== `key_${k.api_key}`)).toEqual([]);
    await expectConsistent(keys, root, made);
  });
});

/** A collection of keys of one kind, and how to disable and delete one of them. */
interface KeyKind {
  kind: string;
  collection: () => Promise<string>;
  /** Account keys cannot be deleted (405): they are disabled instead. */
  deletable: boolean;
}

const KINDS: KeyKind[] = [
  { kind: 'environment access key', collection: async () => (await newEnvironment()).keys, deletable: true },
  { kind: 'account API key', collection: async () => `${owner.base}/account_api_keys`, deletable: false },
  {
    kind: 'user API key',
    collection: async () => {
      const email = `parallel.${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@${owner.account_id}.example`;
      const user = ok(await server.call('post', `${owner.base}/users`, owner.auth, { name: 'Parallel user', email, role: 'admin' }));
      return `${owner.base}/users/${user.id}/api_keys`;
    },
    deletable: true,
  },
];

const ROUNDS = 5;

async function newKey(collection: string): Promise<{ apiKey: string; secret: string }> {
  const key = ok(await server.call('post', collection, owner.auth, { name: `raced ${Math.random().toString(36).slice(2)}` }));
  return { apiKey: key.api_key, secret: key.api_secret };
}

const rotate = (collection: string, apiKey: string) =>
  server.call('post', `${collection}/${apiKey}/rotate`, owner.auth, { grace_seconds: 0 });
const disable = (collection: string, apiKey: string) => server.call('put', `${collection}/${apiKey}`, owner.auth, { enabled: false });
const remove = (collection: string, apiKey: string) => server.call('delete', `${collection}/${apiKey}`, owner.auth);

/** A rotation that raced something else: it happened (200, with the secret now in force) or found nothing (404). */
function rotated(res: Response): string | null {
  expect([200, 404]).toContain(res.status);
  return res.status === 200 ? (res.body.api_secret as string) : null;
}

async function listed(collection: string, apiKey: string): Promise<Json | undefined> {
  const list = ok(await server.call('get', `${collection}?page_size=1000`, owner.auth));
  return (Object.values(list).find(Array.isArray) as Json[]).find((k) => k.api_key === apiKey);
}

async function expectNoneWorks(apiKey: string, secrets: Array<string | null>): Promise<void> {
  for (const secret of secrets) if (secret) expect(await works([apiKey, secret])).toBe(false);
}

describe.each(KINDS)('$kind: parallel rotations, disables and deletes leave one defined state', ({ collection, deletable }) => {
  test('rotate + rotate: exactly the secret of one of the rotations works', async () => {
    const keys = await collection();
    for (let round = 0; round < ROUNDS; round++) {
      const { apiKey, secret } = await newKey(keys);
      const answers = await Promise.all([rotate(keys, apiKey), rotate(keys, apiKey)]);
      const secrets = answers.map((res) => ok(res).api_secret as string);
      expect(await works([apiKey, secret])).toBe(false);
      expect((await Promise.all(secrets.map((s) => works([apiKey, s])))).filter(Boolean)).toHaveLength(1);
    }
  });

  test('rotate + disable: the key ends disabled, and once enabled again only the secret in force works', async () => {
    const keys = await collection();
    for (let round = 0; round < ROUNDS; round++) {
      const { apiKey, secret } = await newKey(keys);
      const [rotation, disabling] = await Promise.all([rotate(keys, apiKey), disable(keys, apiKey)]);
      ok(disabling);
      const issued = rotated(rotation);
      expect((await listed(keys, apiKey))?.enabled).toBe(false);
      expect(await works([apiKey, issued ?? secret])).toBe(false);
      // Enabled again, exactly the secret in force works: the rotation's, since a rotation of a disabled key still rotates.
      ok(await server.call('put', `${keys}/${apiKey}`, owner.auth, { enabled: true }));
      expect(await works([apiKey, issued ?? secret])).toBe(true);
      if (issued) expect(await works([apiKey, secret])).toBe(false);
    }
  });

  if (!deletable) return;

  test('rotate + delete: the key is gone, and neither secret works', async () => {
    const keys = await collection();
    for (let round = 0; round < ROUNDS; round++) {
      const { apiKey, secret } = await newKey(keys);
      const [rotation, deletion] = await Promise.all([rotate(keys, apiKey), remove(keys, apiKey)]);
      ok(deletion);
      const issued = rotated(rotation);
      expect(await listed(keys, apiKey)).toBeUndefined();
      expect((await server.call('post', `${keys}/${apiKey}/rotate`, owner.auth, {})).status).toBe(404);
      await expectNoneWorks(apiKey, [secret, issued]);
    }
  });

  test('rotate + disable + delete: the key is gone, and no secret works', async () => {
    const keys = await collection();
    for (let round = 0; round < ROUNDS; round++) {
      const { apiKey, secret } = await newKey(keys);
      const [rotation, disabling, deletion] = await Promise.all([rotate(keys, apiKey), disable(keys, apiKey), remove(keys, apiKey)]);
      ok(deletion);
      expect([200, 404]).toContain(disabling.status);
      const issued = rotated(rotation);
      expect(await listed(keys, apiKey)).toBeUndefined();
      await expectNoneWorks(apiKey, [secret, issued]);
    }
  });
});

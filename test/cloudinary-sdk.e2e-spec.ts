import { startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { as, Cloudinary, listen, loadCloudinarySdk, rejectionOf } from './support/sdk.js';

// The official `cloudinary` npm SDK (2.11.0) driving a real Castellan over a loopback socket: what a customer's
// code does, with no knowledge of the server beyond the wire format.

/** `sub_accounts(enabled)` takes a boolean but sends `enabled=` (no filter) when it is left out. */
const ALL = undefined as unknown as boolean;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let server: TestServer;
let cloudinary: Cloudinary;
let account: TestAccount;
let sdk: Cloudinary['provisioning']['account'];

beforeAll(async () => {
  server = await startServer();
  const port = await listen(server);
  account = await server.newAccount('SDK account');
  cloudinary = await loadCloudinarySdk(port, account);
  sdk = cloudinary.provisioning.account;
});

afterAll(async () => {
  delete process.env.CLOUDINARY_ACCOUNT_URL;
  delete process.env.CLOUDINARY_URL;
  await server?.close();
});

// Fixtures are made over plain HTTP, so that each test below exercises one SDK function and a failure points at
// that function; the SDK's own create calls are tested by the tests named after them.

interface Environment {
  id: string;
  name: string;
  cloud_name: string;
  created_at: string;
  updated_at: string;
  api_access_keys: { key: string; secret: string; enabled: boolean; api_environment_variable: string }[];
}

interface IssuedKey {
  name: string;
  api_key: string;
  api_secret: string;
  enabled: boolean;
}

function fixture<T>(what: string, res: { status: number; body: unknown }): T {
  if (res.status < 200 || res.status >= 300) throw new Error(`fixture ${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** A product environment made over HTTP (the SDK's own account unless another owner is given). */
async function newEnvironment(
  name = 'SDK environment',
  extra: { custom_attributes?: Record<string, unknown>; enabled?: boolean } = {},
  owner: TestAccount = account,
): Promise<Environment> {
  const res = await server
    .http()
    .post(`${owner.base}/sub_accounts`)
    .auth(...owner.auth)
    .send({ name, cloud_name: uniqueCloudName('sdk'), ...extra });
  return fixture('create environment', res);
}

/** An access key made over HTTP. */
async function newKey(environmentId: string, body: { name?: string; enabled?: boolean }): Promise<IssuedKey> {
  const res = await server
    .http()
    .post(`${account.base}/sub_accounts/${environmentId}/access_keys`)
    .auth(...account.auth)
    .send(body);
  return fixture('generate key', res);
}

describe('product environments (sub accounts)', () => {
  test('create_sub_account answers with the Cloudinary shape: id, lower-cased cloud_name and the first key pair', async () => {
    const cloudName = uniqueCloudName('SDK_Mixed');
    const created = await sdk.create_sub_account('Product1 Application', cloudName, { team: 'mobile', tier: 2 }, true);

    expect(created).toMatchObject({
      id: expect.stringMatching(/^[a-z0-9]{26,32}$/),
      name: 'Product1 Application',
      cloud_name: cloudName.toLowerCase(),
      enabled: true,
      custom_attributes: { team: 'mobile', tier: 2 },
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(created.api_access_keys).toHaveLength(1);
    const [first] = created.api_access_keys;
    expect(first).toMatchObject({ key: expect.stringMatching(/^\d{15}$/), secret: expect.any(String), enabled: true });
    expect(first.secret.length).toBeGreaterThan(0);
    expect(first.api_environment_variable).toBe(`cloudinary://${first.key}:${first.secret}@${created.cloud_name}`);
    // It exists: the SDK reads it back.
    await expect(sdk.sub_account(created.id)).resolves.toMatchObject({ id: created.id, cloud_name: cloudName.toLowerCase() });
  });

  test('the key returned by create is a working CLOUDINARY_URL (api_environment_variable) the SDK itself parses', async () => {
    const created = await newEnvironment('Env var check');
    const [first] = created.api_access_keys;
    expect(first.api_environment_variable).toBe(`cloudinary://${first.key}:${first.secret}@${created.cloud_name}`);

    // Hand it to the SDK exactly as a customer would: as CLOUDINARY_URL, re-read from the environment.
    process.env.CLOUDINARY_URL = first.api_environment_variable;
    try {
      const config = cloudinary.config(true);
      expect(config.cloud_name).toBe(created.cloud_name);
      expect(config.api_key).toBe(first.key);
      expect(config.api_secret).toBe(first.secret);
    } finally {
      delete process.env.CLOUDINARY_URL;
      cloudinary.config(true);
    }
    // Re-reading the environment kept the provisioning settings: the SDK still reaches this server.
    await expect(sdk.sub_account(created.id)).resolves.toMatchObject({ id: created.id });
  });

  test('create_sub_account honours enabled=false and copies settings from base_account', async () => {
    const base = await newEnvironment('Base environment', { custom_attributes: { tier: 'gold' } });
    const copy = await sdk.create_sub_account('Copied environment', uniqueCloudName('copy'), undefined, false, base.id);
    expect(copy).toMatchObject({ name: 'Copied environment', enabled: false, custom_attributes: { tier: 'gold' } });
    expect(copy.id).not.toBe(base.id);
    // The base gives its settings, never its keys.
    expect(copy.api_access_keys[0].key).not.toBe(base.api_access_keys[0].key);
  });

  test('create_sub_account without a cloud_name gets a generated one', async () => {
    const created = await sdk.create_sub_account('Auto-named', undefined as unknown as string);
    expect(created.cloud_name).toMatch(/^[a-z0-9_-]+$/);
    await expect(sdk.sub_account(created.id)).resolves.toMatchObject({ cloud_name: created.cloud_name });
  });

  test('sub_account(id) returns the environment, its enabled keys, and no secret', async () => {
    const created = await newEnvironment('Fetched environment', { custom_attributes: { k: 'v' } });
    const fetched = await sdk.sub_account(created.id);
    expect(fetched).toMatchObject({
      id: created.id,
      name: 'Fetched environment',
      cloud_name: created.cloud_name,
      enabled: true,
      custom_attributes: { k: 'v' },
      created_at: created.created_at,
    });
    expect(fetched.api_access_keys).toEqual([expect.objectContaining({ key: created.api_access_keys[0].key, enabled: true })]);
    expect(fetched.api_access_keys[0].secret).toBeUndefined();
    expect(JSON.stringify(fetched)).not.toContain(created.api_access_keys[0].secret);
  });

  test('update_sub_account changes name, cloud_name (lower-cased), custom_attributes and enabled', async () => {
    const created = await newEnvironment('Before update');
    const newCloudName = uniqueCloudName('Renamed_Cloud');
    const updated = await sdk.update_sub_account(created.id, 'After update', newCloudName, { owner: 'ops' }, false);
    expect(updated).toMatchObject({
      id: created.id,
      name: 'After update',
      cloud_name: newCloudName.toLowerCase(),
      custom_attributes: { owner: 'ops' },
      enabled: false,
      created_at: created.created_at,
    });
    expect(updated.updated_at >= created.updated_at).toBe(true);

    // Persisted, and a name-only update leaves the rest alone.
    const renamedOnly = await sdk.update_sub_account(created.id, 'Renamed again');
    expect(renamedOnly).toMatchObject({
      name: 'Renamed again',
      cloud_name: newCloudName.toLowerCase(),
      enabled: false,
      custom_attributes: { owner: 'ops' },
    });
    await expect(sdk.sub_account(created.id)).resolves.toMatchObject({ name: 'Renamed again', enabled: false });
  });

  test('delete_sub_account answers {message: "ok"} and the environment is gone', async () => {
    const created = await newEnvironment('Doomed environment');
    const result = await sdk.delete_sub_account(created.id);
    expect(result).toEqual({ message: 'ok' });
    const gone = await rejectionOf(sdk.sub_account(created.id));
    expect(gone.error.http_code).toBe(404);
    // Its keys went with it.
    expect((await rejectionOf(sdk.access_keys(created.id))).error.http_code).toBe(404);
  });
});

describe('listing sub accounts, as a second account through per-call options', () => {
  // A fresh account of its own, so the list holds exactly what this block made.
  let lister: TestAccount;
  let alphaOne: { id: string };
  let alphaTwo: { id: string };
  let beta: { id: string };
  const opts = () => as(lister);

  beforeAll(async () => {
    lister = await server.newAccount('Listing account');
    alphaOne = await newEnvironment('Alpha One', { enabled: true }, lister);
    alphaTwo = await newEnvironment('alpha two', { enabled: false }, lister);
    beta = await newEnvironment('Beta', { enabled: true }, lister);
  });

  const ids = (result: { sub_accounts: { id: string }[] }) => result.sub_accounts.map((e) => e.id);

  test('without filters: every environment of the calling account, oldest first, and none of another account', async () => {
    const result = await sdk.sub_accounts(ALL, undefined, undefined, opts());
    expect(Object.keys(result)).toEqual(['sub_accounts']);
    expect(ids(result)).toEqual([alphaOne.id, alphaTwo.id, beta.id]);
    // The SDK's globally configured account sees none of them.
    const own = await sdk.sub_accounts(ALL);
    expect(ids(own)).not.toEqual(expect.arrayContaining([alphaOne.id]));
    expect(ids(own)).not.toContain(beta.id);
  });

  test('enabled true / false', async () => {
    expect(ids(await sdk.sub_accounts(true, undefined, undefined, opts()))).toEqual([alphaOne.id, beta.id]);
    expect(ids(await sdk.sub_accounts(false, undefined, undefined, opts()))).toEqual([alphaTwo.id]);
  });

  test('ids (sent as repeated ids=)', async () => {
    expect(ids(await sdk.sub_accounts(ALL, [beta.id, alphaOne.id], undefined, opts()))).toEqual([alphaOne.id, beta.id]);
    expect(ids(await sdk.sub_accounts(ALL, [alphaTwo.id], undefined, opts()))).toEqual([alphaTwo.id]);
  });

  test('prefix is a case-insensitive match on the start of the name', async () => {
    expect(ids(await sdk.sub_accounts(ALL, undefined, 'ALPHA', opts()))).toEqual([alphaOne.id, alphaTwo.id]);
    expect(ids(await sdk.sub_accounts(ALL, undefined, 'bet', opts()))).toEqual([beta.id]);
    expect(ids(await sdk.sub_accounts(ALL, undefined, 'One', opts()))).toEqual([]);
    expect(ids(await sdk.sub_accounts(true, undefined, 'alpha', opts()))).toEqual([alphaOne.id]);
  });

  test('more than 100 ids is a 400', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `id${i}`);
    expect((await rejectionOf(sdk.sub_accounts(ALL, many, undefined, opts()))).error.http_code).toBe(400);
  });

  test('the listed environments carry their keys without secrets', async () => {
    const result = await sdk.sub_accounts(ALL, [alphaOne.id], undefined, opts());
    expect(result.sub_accounts[0]).toMatchObject({ id: alphaOne.id, name: 'Alpha One', enabled: true });
    expect(result.sub_accounts[0].api_access_keys).toEqual([{ key: expect.stringMatching(/^\d{15}$/), enabled: true }]);
  });

  test("another account's environment is not found through this account", async () => {
    const mine = await newEnvironment('Not for the lister');
    expect((await rejectionOf(sdk.sub_account(mine.id, opts()))).error.http_code).toBe(404);
    expect((await rejectionOf(sdk.delete_sub_account(mine.id, opts()))).error.http_code).toBe(404);
    await expect(sdk.sub_account(mine.id)).resolves.toMatchObject({ id: mine.id });
  });
});

describe('access keys', () => {
  let env: Environment;
  let x: IssuedKey;
  let y: IssuedKey;
  let z: IssuedKey;

  beforeAll(async () => {
    env = await newEnvironment('Keys environment');
    // Names that sort the same way under SQLite's binary collation and MySQL's case-insensitive one.
    x = await newKey(env.id, { name: 'sdk-x' });
    y = await newKey(env.id, { name: 'sdk-y', enabled: false });
    z = await newKey(env.id, { name: 'sdk-z' });
  });

  // The generate tests use environments of their own, so that what they make cannot disturb the counts below.
  test('generate_access_key returns the new key with its secret, once', async () => {
    const own = await newEnvironment('Generate target');
    const key = await sdk.generate_access_key(own.id, { name: 'generated-once' });
    expect(key).toMatchObject({
      name: 'generated-once',
      api_key: expect.stringMatching(/^\d{15}$/),
      api_secret: expect.any(String),
      enabled: true,
      root: false,
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    // Field order of Cloudinary's live responses: name, api_key, api_secret, created_at, updated_at, enabled, ..., root.
    expect(Object.keys(key).slice(0, 6)).toEqual(['name', 'api_key', 'api_secret', 'created_at', 'updated_at', 'enabled']);
    expect((key as unknown as { api_environment_variable: string }).api_environment_variable).toBe(
      `cloudinary://${key.api_key}:${key.api_secret}@${own.cloud_name}`,
    );
    // Only this response had the secret.
    const listed = await sdk.access_keys(own.id);
    expect(listed.access_keys.find((k) => k.api_key === key.api_key)).toMatchObject({ name: 'generated-once' });
    expect(JSON.stringify(listed)).not.toContain(key.api_secret);
  });

  test('generate_access_key echoes enabled: false and still reveals the secret', async () => {
    const own = await newEnvironment('Generate disabled target');
    const key = await sdk.generate_access_key(own.id, { name: 'disabled-from-birth', enabled: false });
    expect(key).toMatchObject({ name: 'disabled-from-birth', enabled: false, api_secret: expect.any(String) });
    expect(key.api_secret.length).toBeGreaterThan(0);
  });

  test('access_keys pages and sorts: {page_size: 2, page: 1, sort_by: name, sort_order: desc} gives {access_keys, total}', async () => {
    const page1 = await sdk.access_keys(env.id, { page_size: 2, page: 1, sort_by: 'name', sort_order: 'desc' });
    expect(Object.keys(page1).sort()).toEqual(['access_keys', 'total']);
    expect(page1.total).toBe(4); // the environment's Root key and the three made above
    expect(page1.access_keys.map((k) => k.name)).toEqual(['sdk-z', 'sdk-y']);
    expect(page1.access_keys[1]).toMatchObject({ api_key: y.api_key, enabled: false });

    const page2 = await sdk.access_keys(env.id, { page_size: 2, page: 2, sort_by: 'name', sort_order: 'desc' });
    expect(page2.total).toBe(4);
    expect(page2.access_keys.map((k) => k.name)).toEqual(['sdk-x', 'Root']);
    expect(page2.access_keys[1]).toMatchObject({ api_key: env.api_access_keys[0].key, root: true });

    const asc = await sdk.access_keys(env.id, { page_size: 3, page: 1, sort_by: 'name', sort_order: 'asc' });
    expect(asc.access_keys.map((k) => k.name)).toEqual(['Root', 'sdk-x', 'sdk-y']);
  });

  test('a page past the end is empty but still gives the total', async () => {
    const beyond = await sdk.access_keys(env.id, { page_size: 2, page: 50 });
    expect(beyond.access_keys).toEqual([]);
    expect(beyond.total).toBeGreaterThanOrEqual(4);
  });

  test('listed keys never carry a secret', async () => {
    const all = await sdk.access_keys(env.id);
    expect(all.total).toBe(all.access_keys.length);
    for (const key of all.access_keys) expect(key).not.toHaveProperty('api_secret');
    const text = JSON.stringify(all);
    for (const secret of [x.api_secret, y.api_secret, z.api_secret, env.api_access_keys[0].secret]) expect(text).not.toContain(secret);
  });

  test('sub_account lists only the enabled keys', async () => {
    const fetched = await sdk.sub_account(env.id);
    const keys = fetched.api_access_keys.map((k: { key: string }) => k.key).sort();
    expect(keys).toEqual([env.api_access_keys[0].key, x.api_key, z.api_key].sort());
  });

  test('update_access_key renames, and dedicated_for is sent as "webhooks" and returned as ["webhooks"]', async () => {
    const a = await newKey(env.id, { name: 'hook-a' });
    const b = await newKey(env.id, { name: 'hook-b' });

    const updated = await sdk.update_access_key(env.id, a.api_key, { name: 'hook-a-renamed', dedicated_for: 'webhooks' });
    expect(updated).toMatchObject({ name: 'hook-a-renamed', api_key: a.api_key, enabled: true });
    expect((updated as unknown as { dedicated_for: unknown }).dedicated_for).toEqual(['webhooks']);
    expect(updated).not.toHaveProperty('api_secret');

    // One key per environment holds a purpose: dedicating b takes it from a.
    const taken = await sdk.update_access_key(env.id, b.api_key, { dedicated_for: 'webhooks' });
    expect((taken as unknown as { dedicated_for: unknown }).dedicated_for).toEqual(['webhooks']);
    const listed = (await sdk.access_keys(env.id)).access_keys as unknown as { api_key: string; name: string; dedicated_for?: string[] }[];
    expect(listed.find((k) => k.api_key === a.api_key)).toMatchObject({ name: 'hook-a-renamed' });
    expect(listed.find((k) => k.api_key === a.api_key)).not.toHaveProperty('dedicated_for');
    expect(listed.find((k) => k.api_key === b.api_key)?.dedicated_for).toEqual(['webhooks']);

    // enabled through the SDK, too.
    await expect(sdk.update_access_key(env.id, b.api_key, { enabled: false })).resolves.toMatchObject({
      api_key: b.api_key,
      enabled: false,
    });

    await sdk.delete_access_key(env.id, a.api_key);
    await sdk.delete_access_key(env.id, b.api_key);
  });

  test('delete_access_key answers exactly {message: "ok"}; a second delete is a 404', async () => {
    const key = await newKey(env.id, { name: 'delete-by-key' });
    const result = await sdk.delete_access_key(env.id, key.api_key);
    expect(result).toEqual({ message: 'ok' });
    expect(Object.keys(result)).toEqual(['message']);
    const keys = (await sdk.access_keys(env.id)).access_keys.map((k) => k.api_key);
    expect(keys).not.toContain(key.api_key);
    expect((await rejectionOf(sdk.delete_access_key(env.id, key.api_key))).error.http_code).toBe(404);
  });

  test('delete_access_key_by_name (name sent as a form body) answers exactly {message: "ok"}', async () => {
    const key = await newKey(env.id, { name: 'delete-by-name' });
    const result = await sdk.delete_access_key_by_name(env.id, { name: 'delete-by-name' });
    expect(result).toEqual({ message: 'ok' });
    expect(Object.keys(result)).toEqual(['message']);
    const keys = (await sdk.access_keys(env.id)).access_keys.map((k) => k.api_key);
    expect(keys).not.toContain(key.api_key);
    expect((await rejectionOf(sdk.delete_access_key_by_name(env.id, { name: 'delete-by-name' }))).error.http_code).toBe(404);
  });

  test('delete_access_key_by_name without a name is a 400 and deletes nothing', async () => {
    const before = (await sdk.access_keys(env.id)).total;
    const error = await rejectionOf(sdk.delete_access_key_by_name(env.id, {} as { name: string }));
    expect(error.error.http_code).toBe(400);
    expect((await sdk.access_keys(env.id)).total).toBe(before);
  });

  test('a duplicate key name is a 409 through the SDK', async () => {
    const error = await rejectionOf(sdk.generate_access_key(env.id, { name: 'sdk-x' }));
    expect(error.error.http_code).toBe(409);
  });

  test("the keys of an unknown environment, or another account's, are a 404", async () => {
    const other = await server.newAccount('Key outsider');
    const calls = [
      () => sdk.access_keys('doesnotexist0000000000000000'),
      () => sdk.generate_access_key('doesnotexist0000000000000000', { name: 'n' }),
      () => sdk.access_keys(env.id, as(other)),
      () => sdk.generate_access_key(env.id, as(other, { name: 'intruder' })),
      () => sdk.update_access_key(env.id, x.api_key, as(other, { name: 'intruder' })),
      () => sdk.delete_access_key(env.id, x.api_key, as(other)),
      () => sdk.delete_access_key_by_name(env.id, as(other, { name: 'sdk-x' })),
    ];
    for (const call of calls) {
      expect((await rejectionOf(call())).error.http_code).toBe(404);
    }
    // Nothing changed.
    const listed = (await sdk.access_keys(env.id)).access_keys.map((k) => k.name);
    expect(listed).toEqual(expect.arrayContaining(['sdk-x', 'sdk-y', 'sdk-z']));
    expect(listed).not.toContain('intruder');
  });
});

describe('errors through the SDK', () => {
  test('a wrong secret rejects with http_code 401 and "Invalid credentials"', async () => {
    const error = await rejectionOf(sdk.sub_accounts(ALL, undefined, undefined, as({ ...account, api_secret: 'wrong-secret' })));
    expect(error.error).toEqual({ message: 'Invalid credentials', http_code: 401 });
  });

  test('a well-formed secret of another key, an unknown key, or a key of another account for this account id: 401', async () => {
    const other = await server.newAccount('Other account');
    const cases = [
      as({ ...account, api_secret: other.api_secret }),
      as({ ...account, api_key: '999999999999999' }),
      // Valid credentials, but of another account than the one in the path.
      as({ account_id: account.account_id, api_key: other.api_key, api_secret: other.api_secret }),
    ];
    for (const options of cases) {
      const error = await rejectionOf(sdk.sub_accounts(ALL, undefined, undefined, options));
      expect(error.error).toEqual({ message: 'Invalid credentials', http_code: 401 });
    }
  });

  test('an environment key (a CLOUDINARY_URL key) cannot use the provisioning API', async () => {
    const env = await newEnvironment('Key kind check');
    const [first] = env.api_access_keys;
    const error = await rejectionOf(
      sdk.sub_accounts(ALL, undefined, undefined, as({ account_id: account.account_id, api_key: first.key, api_secret: first.secret })),
    );
    expect(error.error.http_code).toBe(403);
    expect(error.error.message).toEqual(expect.any(String));
  });

  test('an unknown sub account is a 404 for get, update and delete', async () => {
    const missing = 'nosuchenvironment00000000000';
    for (const call of [
      () => sdk.sub_account(missing),
      () => sdk.update_sub_account(missing, 'x'),
      () => sdk.delete_sub_account(missing),
    ]) {
      const error = await rejectionOf(call());
      expect(error.error.http_code).toBe(404);
      expect(error.error.message).toEqual(expect.any(String));
    }
  });

  test('a duplicate cloud_name is a 409, whatever its case and whichever account holds it', async () => {
    const first = await newEnvironment('First');
    const cloudName = first.cloud_name;
    expect((await rejectionOf(sdk.create_sub_account('Second', cloudName))).error.http_code).toBe(409);
    expect((await rejectionOf(sdk.create_sub_account('Upper', cloudName.toUpperCase()))).error.http_code).toBe(409);
    const other = await server.newAccount('Cloud name rival');
    expect(
      (await rejectionOf(sdk.create_sub_account('Rival', cloudName, undefined, undefined, undefined, as(other)))).error.http_code,
    ).toBe(409);

    // Renaming onto a taken cloud_name is a conflict too, and leaves the environment as it was.
    const mover = await newEnvironment('Mover');
    expect((await rejectionOf(sdk.update_sub_account(mover.id, undefined, cloudName))).error.http_code).toBe(409);
    await expect(sdk.sub_account(mover.id)).resolves.toMatchObject({ cloud_name: mover.cloud_name });
  });

  test('an invalid cloud_name is a 400', async () => {
    const error = await rejectionOf(sdk.create_sub_account('Bad name', 'has spaces!'));
    expect(error.error.http_code).toBe(400);
  });
});

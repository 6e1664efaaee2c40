import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadConfig, uniquenessKey } from '@castellan/core';
import { dataSourceOptions, MIGRATIONS } from '@castellan/database';
import { startServer, TestAccount, TestServer, usingMysql } from './support/harness.js';
import { bind, expectErrorMessage, Json, ok } from './support/http.js';

// Names and e-mail addresses are unique after Unicode normalization and case folding, one rule on both databases:
// `Élise@…` is `élise@…`, `café` typed with a combining accent is `café`, `Straße` is `STRASSE`; accents still
// count (`elise` and `élise` are two). The migration that brought the rule keeps older duplicates and says so.

const NFD = (text: string) => text.normalize('NFD');

let server: TestServer;
let a: TestAccount;
const { call } = bind(() => server);
beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Unicode names');
});
afterAll(() => server.close());

let serial = 0;
const domain = () => `d${++serial}-${Date.now().toString(36)}.example`;

describe('e-mail addresses', () => {
  const create = (email: string) => call('post', `${a.base}/users`, a.auth, { name: 'Élise', email });

  test('the same address in another case, or normalized otherwise, is taken; without its accent it is another', async () => {
    const at = domain();
    const elise = ok(await create(`Élise@${at}`));
    for (const same of [`élise@${at}`, `ÉLISE@${at.toUpperCase()}`, NFD(`élise@${at}`)]) {
      expectErrorMessage(await create(same), 409, `A user with email ${same} already exists in this account`);
    }
    const plain = ok(await create(`elise@${at}`));
    expect(plain.id).not.toBe(elise.id);
    // Filters and changes follow the same rule.
    expect(
      ok(await call('get', `${a.base}/users?emails=${encodeURIComponent(NFD(`ÉLISE@${at}`))}`, a.auth)).users.map((u: Json) => u.id),
    ).toEqual([elise.id]);
    expectErrorMessage(await call('put', `${a.base}/users/${plain.id}`, a.auth, { email: `ÉLISE@${at}` }), 409);
  });
});

describe('key names and role names', () => {
  test('a key name in another case or normalization is taken in its list, and deleting by name finds it', async () => {
    const env = ok(await call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Names', cloud_name: `un-${Date.now().toString(36)}` }));
    const keys = `${a.base}/sub_accounts/${env.id}/access_keys`;
    for (const [first, same] of [
      ['Ärger', 'ärger'],
      ['Straße', 'STRASSE'],
      ['café', NFD('café')],
    ] as const) {
      ok(await call('post', keys, a.auth, { name: first }));
      expectErrorMessage(await call('post', keys, a.auth, { name: same }), 409, `A key named "${same}" already exists`);
    }
    ok(await call('post', keys, a.auth, { name: 'cafe' }));
    ok(await call('delete', `${keys}?name=${encodeURIComponent('ÄRGER')}`, a.auth));
    const names = ok(await call('get', `${keys}?sort_by=name`, a.auth)).access_keys.map((k: Json) => k.name);
    expect(names.filter((n: string) => n !== 'Root').sort()).toEqual(['Straße', 'cafe', 'café'].sort());
  });

  test('a role name in another case or normalization is taken', async () => {
    const name = `Café ${Date.now().toString(36)}`;
    ok(await call('post', `${a.base}/roles`, a.auth, { name, rules: [] }));
    expectErrorMessage(await call('post', `${a.base}/roles`, a.auth, { name: NFD(name.toUpperCase()), rules: [] }), 409);
  });
});

describe('the migration to the rule', () => {
  let dir: string;
  let data: DataSource;
  let scratch: string | undefined;
  afterAll(async () => {
    await data?.destroy();
    if (scratch) {
      const root = new DataSource({ type: 'mysql', url: process.env.TEST_DATABASE_URL });
      await root.initialize();
      await root.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
      await root.destroy();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A database migrated up to the one before the rule, on the run's driver, and the options that migrate it all. */
  async function before(): Promise<{ source: DataSource; options: DataSourceOptions }> {
    dir = mkdtempSync(join(tmpdir(), 'castellan-unicode-'));
    let url = `sqlite:${join(dir, 'before.sqlite')}`;
    if (usingMysql()) {
      const given = new URL(process.env.TEST_DATABASE_URL!);
      scratch = `castellan_unicode_${Date.now().toString(36)}`;
      const root = new DataSource({ type: 'mysql', url: given.toString() });
      await root.initialize();
      await root.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await root.destroy();
      given.pathname = `/${scratch}`;
      url = given.toString();
    }
    const options = dataSourceOptions(loadConfig({ DATABASE_URL: url, SECRET_PEPPER: 'x'.repeat(32) }).database, [], 2000);
    const before = MIGRATIONS.findIndex((m) => m.name === 'UnicodeNames1732700000000');
    const source = new DataSource({ ...options, migrations: MIGRATIONS.slice(0, before) } as typeof options);
    await source.initialize();
    await source.runMigrations();
    return { source, options };
  }

  test('fills in every key, and keeps a later duplicate as it is, with a key no name can have', async () => {
    const { source, options } = await before();
    const now = new Date().toISOString().slice(0, 23).replace('T', ' ');
    await source.query(
      'INSERT INTO accounts (id, name, max_product_environments, lock_version, created_at, updated_at) VALUES (?, ?, 5, 0, ?, ?)',
      ['acc', 'A', now, now],
    );
    const key = (id: string, name: string, at: string) =>
      source.query(
        'INSERT INTO api_keys (id, account_id, kind, api_key, secret_hash, name, enabled, root, created_at, updated_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?, 1, 0, ?, ?)',
        [id, 'acc', 'account', id.padEnd(15, '0'), 'h', name, at, at],
      );
    // Written before the rule: key names were unique only as the application checked them, case by ASCII case.
    await key('k1', 'Ärger', '2026-01-01 00:00:00.000');
    await key('k2', 'ärger', '2026-01-02 00:00:00.000');
    await key('k3', 'other', '2026-01-03 00:00:00.000');
    await source.destroy();

    data = new DataSource(options);
    await data.initialize();
    expect((await data.runMigrations()).map((m) => m.name)[0]).toBe('UnicodeNames1732700000000');
    const rows = (await data.query('SELECT id, name, name_key FROM api_keys ORDER BY id')) as Json[];
    expect(rows.map((r) => r.name)).toEqual(['Ärger', 'ärger', 'other']);
    expect(rows[0].name_key).toBe(uniquenessKey('Ärger'));
    expect(rows[1].name_key).toBe(uniquenessKey('ärger\u0001k2'));
    expect(rows[2].name_key).toBe(uniquenessKey('other'));
  });
});

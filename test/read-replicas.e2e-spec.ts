import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AccountEntity } from '../libs/accounts/src/account.entity.js';
import { newRecordId, parseDatabaseUrl } from '@castellan/core';
import { dataSourceOptions, runMigrations } from '@castellan/database';
import { EnvironmentEntity } from '../libs/environments/src/environment.entity.js';
import { startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';
import { describeWith, mysqlServer } from './support/services.js';

const withServices = await describeWith(import.meta.url, mysqlServer());

// Reads sent to MySQL replicas (DATABASE_REPLICA_URLS). The "replica" is a second database that nothing
// replicates into, so each answer shows which database it came from: a row written only to the replica
// appears, and a change made through Castellan does not. It needs a MySQL server: TEST_DATABASE_URL's, or
// root on 127.0.0.1:3306 (CI starts MariaDB on every run); without one, it skips, saying so.
// Both databases are made for this run, on that server, and dropped at its end.

const SERVER = new URL(process.env.TEST_DATABASE_URL || 'mysql://root@127.0.0.1:3306');
const RUN = `castellan_replicas_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
const PRIMARY = `${RUN}_primary`;
const REPLICA = `${RUN}_replica`;
/** Nothing listens there. */
const UNREACHABLE_REPLICA_URL = 'mysql://root@127.0.0.1:1/castellan';

const urlOf = (database: string): string => Object.assign(new URL(SERVER), { pathname: `/${database}` }).toString();

async function onServer(statements: string[]): Promise<void> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: SERVER.hostname,
      port: SERVER.port ? Number(SERVER.port) : 3306,
      user: decodeURIComponent(SERVER.username),
      password: decodeURIComponent(SERVER.password),
    });
  } catch (error) {
    throw new Error(`MySQL at ${SERVER.host} does not answer (start it; CI does): ${(error as Error).message}`, { cause: error });
  }
  try {
    for (const sql of statements) await connection.query(sql);
  } finally {
    await connection.end();
  }
}

let replica: DataSource;
let server: TestServer;
let account: TestAccount;
/** An environment made through Castellan: on the primary only. */
let onPrimary: { id: string };
/** An environment written straight into the replica, as if replicated from a primary that has since lost it. */
let onReplica: EnvironmentEntity;

beforeAll(async () => {
  await onServer([PRIMARY, REPLICA].map((db) => `CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  replica = await new DataSource(
    dataSourceOptions(parseDatabaseUrl(urlOf(REPLICA)), [AccountEntity, EnvironmentEntity], 2000),
  ).initialize();
  await runMigrations(replica);
  server = await startServer({ DATABASE_URL: urlOf(PRIMARY), DATABASE_REPLICA_URLS: urlOf(REPLICA) });
  account = await server.newAccount('Replicated');

  // Writes, and the authentication before them, reach the primary: the replica holds no account to authenticate.
  const created = await server
    .http()
    .post(`${account.base}/sub_accounts`)
    .auth(...account.auth)
    .send({ name: 'Primary', cloud_name: uniqueCloudName() });
  expect(created.status).toBe(200);
  onPrimary = created.body as { id: string };

  const now = new Date();
  await replica
    .getRepository(AccountEntity)
    .insert({ id: account.account_id, name: 'Replicated', maxProductEnvironments: 100, lockVersion: 0, createdAt: now, updatedAt: now });
  onReplica = Object.assign(new EnvironmentEntity(), {
    id: newRecordId(),
    accountId: account.account_id,
    cloudName: uniqueCloudName(),
    name: 'Replica only',
    description: null,
    enabled: true,
    folderMode: 'dynamic',
    assetRecordLocation: 'us',
    usageLimits: null,
    customAttributes: null,
    createdAt: now,
    updatedAt: now,
  } satisfies EnvironmentEntity);
  await replica.getRepository(EnvironmentEntity).insert(onReplica);
});

afterAll(async () => {
  await server?.close();
  await replica?.destroy();
  await onServer([PRIMARY, REPLICA].map((db) => `DROP DATABASE IF EXISTS \`${db}\``));
});

const get = (path: string) =>
  server
    .http()
    .get(`${account.base}${path}`)
    .auth(...account.auth);

withServices('with DATABASE_REPLICA_URLS', () => {
  test('listings and single records are read from the replica', async () => {
    const list = await get('/sub_accounts');
    expect(list.status).toBe(200);
    expect((list.body as { sub_accounts: { id: string }[] }).sub_accounts.map((e) => e.id)).toEqual([onReplica.id]);
    expect((await get(`/sub_accounts/${onReplica.id}`)).body).toMatchObject({
      id: onReplica.id,
      name: 'Replica only',
      api_access_keys: [],
    });
    expect((await get(`/sub_accounts/${onPrimary.id}`)).status).toBe(404);
    // The caller's own key is on the primary only.
    expect((await get('/account_api_keys')).body).toEqual({ account_api_keys: [], total: 0 });
    expect((await get(`/sub_accounts/${onPrimary.id}/access_keys`)).status).toBe(404);
  });

  test('a change reads what it changes from the primary, and answers from there', async () => {
    const renamed = await server
      .http()
      .put(`${account.base}/sub_accounts/${onPrimary.id}`)
      .auth(...account.auth)
      .send({ name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: onPrimary.id,
      name: 'Renamed',
      api_access_keys: [expect.objectContaining({ enabled: true })],
    });
    const onlyOnReplica = await server
      .http()
      .put(`${account.base}/sub_accounts/${onReplica.id}`)
      .auth(...account.auth)
      .send({ name: 'Renamed' });
    expect(onlyOnReplica.status).toBe(404);
  });

  test('reads go to the primary while no replica can be reached', async () => {
    const fallback = await startServer({ DATABASE_URL: urlOf(PRIMARY), DATABASE_REPLICA_URLS: UNREACHABLE_REPLICA_URL });
    try {
      const own = await fallback.newAccount('Replica down');
      const created = await fallback
        .http()
        .post(`${own.base}/sub_accounts`)
        .auth(...own.auth)
        .send({ name: 'Seen', cloud_name: uniqueCloudName() });
      const list = await fallback
        .http()
        .get(`${own.base}/sub_accounts`)
        .auth(...own.auth);
      expect(list.status).toBe(200);
      expect((list.body as { sub_accounts: { id: string }[] }).sub_accounts.map((e) => e.id)).toEqual([
        (created.body as { id: string }).id,
      ]);
    } finally {
      await fallback.close();
    }
  });
});

import { DataSource, FindOptionsWhere, In } from 'typeorm';
import { ApiKeyCountEntity } from '../libs/credentials/src/api-key-count.entity.js';
import { ApiKeyEntity } from '../libs/credentials/src/api-key.entity.js';
import { bind, okBody, type Json } from './support/http.js';
import { startServer, TestAccount, TestServer, uniqueCloudName, usingMysql } from './support/harness.js';

// The three key lists (an environment's access keys, the account's API keys, a user's API keys) share one
// repository method and one kind of index: every sort field in both orders, pages laid end to end, ties broken
// by the record id, the total on every page, and the plan the database picks for them.

const SORT_FIELDS = ['api_key', 'created_at', 'name', 'enabled'] as const;
type SortField = (typeof SORT_FIELDS)[number];

/** Mixed case: names sort ignoring case on both databases. Letters only, where the two collations agree. */
const NAMES = ['alpha', 'Bravo', 'CHARLIE', 'delta', 'Echo', 'foxtrot', 'Golf', 'hotel', 'India', 'juliet', 'Kilo'];
const DISABLED = new Set(['Bravo', 'delta', 'India', 'Kilo']);

interface ListScope {
  label: string;
  /** The list's path under the account. */
  path: string;
  /** The field of the answer that holds the keys. */
  field: string;
  where: FindOptionsWhere<ApiKeyEntity>;
}

let server: TestServer;
let a: TestAccount;
const scopes: ListScope[] = [];
const { call } = bind(() => server);

const keys = () => server.app.get(DataSource).getRepository(ApiKeyEntity);

beforeAll(async () => {
  server = await startServer();
  a = await server.newAccount('Key lists');
  const env = await okBody(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Lists', cloud_name: uniqueCloudName('kl') }));
  const user = await okBody(call('post', `${a.base}/users`, a.auth, { name: 'Lister', email: `lister-${Date.now()}@example.com` }));
  scopes.push(
    {
      label: 'environment',
      path: `${a.base}/sub_accounts/${env.id}/access_keys`,
      field: 'access_keys',
      where: { kind: 'environment', environmentId: env.id },
    },
    { label: 'account', path: `${a.base}/account_api_keys`, field: 'account_api_keys', where: { kind: 'account' } },
    { label: 'user', path: `${a.base}/users/${user.id}/api_keys`, field: 'api_keys', where: { kind: 'user', userId: user.id } },
  );
  for (const scope of scopes) {
    for (const name of NAMES) await okBody(call('post', scope.path, a.auth, { name, enabled: !DISABLED.has(name) }));
    // Ties in created_at, which the API cannot make on purpose: four keys as if made in the same millisecond.
    const [first, ...rest] = await keys().find({ where: { accountId: a.account_id, ...scope.where }, order: { createdAt: 'ASC' } });
    const tied = rest.filter((_, i) => i % 3 === 0).slice(0, 3);
    await keys().update({ accountId: a.account_id, id: In(tied.map((k) => k.id)) }, { createdAt: first!.createdAt });
  }
}, 60_000);
afterAll(() => server.close());

/** Ascending: the sort column, then the id. Descending is exactly the reverse, since both flip. */
function ascending(sortBy: SortField): (x: ApiKeyEntity, y: ApiKeyEntity) => number {
  const value = (k: ApiKeyEntity): string | number => {
    if (sortBy === 'created_at') return k.createdAt.getTime();
    if (sortBy === 'enabled') return Number(k.enabled);
    return sortBy === 'name' ? k.name.toLowerCase() : k.apiKey;
  };
  return (x, y) => {
    const [vx, vy] = [value(x), value(y)];
    if (vx !== vy) return vx < vy ? -1 : 1;
    return x.id < y.id ? -1 : 1;
  };
}

describe.each(['environment', 'account', 'user'])('the %s key list', (label) => {
  const scope = () => scopes.find((s) => s.label === label)!;

  test('every sort field, both orders: pages laid end to end are the whole list, ties by id; total on every page', async () => {
    const rows = await keys().find({ where: { accountId: a.account_id, ...scope().where } });
    const n = rows.length;
    // The eleven made here, and the Root key of the environment or the account.
    expect(n).toBeGreaterThanOrEqual(NAMES.length);
    const expected: Record<string, string[]> = {};
    const listed: Record<string, string[]> = {};
    for (const sortBy of SORT_FIELDS) {
      const asc = [...rows].sort(ascending(sortBy)).map((k) => k.apiKey);
      for (const order of ['asc', 'desc']) {
        // 5: a short last page; 2: a full one. Pages past the middle are read from the other end.
        for (const pageSize of [5, 2]) {
          const run = `${sortBy} ${order} by ${pageSize}`;
          expected[run] = order === 'asc' ? asc : [...asc].reverse();
          listed[run] = [];
          const pages = Math.ceil(n / pageSize);
          for (let page = 1; page <= pages + 1; page++) {
            const body: Json = await okBody(
              call('get', `${scope().path}?sort_by=${sortBy}&sort_order=${order}&page_size=${pageSize}&page=${page}`, a.auth),
            );
            expect({ run, page, total: body.total, size: body[scope().field].length }).toEqual({
              run,
              page,
              total: n,
              size: page <= pages ? Math.min(pageSize, n - (page - 1) * pageSize) : 0,
            });
            listed[run]!.push(...body[scope().field].map((k: Json) => k.api_key));
          }
        }
      }
    }
    expect(listed).toEqual(expected);
  });

  test('a page is read from the list index of its sort field, at either end; the total is one row, not a count', async () => {
    const source = server.app.get(DataSource);
    for (const sortBy of SORT_FIELDS) {
      // The last page is read from the other end, backwards along the same index.
      for (const page of [1, 6]) {
        const run = `${sortBy} page ${page}`;
        const sent = await queriesDuring(source, () =>
          okBody(call('get', `${scope().path}?sort_by=${sortBy}&page_size=2&page=${page}`, a.auth)),
        );
        const reading = (table: string) => sent.filter(([sql]) => new RegExp(`FROM\\W+${table}\\W`).test(sql));
        // Authentication may read api_keys too (a cache miss), but never in an order.
        const [pages, totals] = [reading('api_keys').filter(([sql]) => /ORDER BY/.test(sql)), reading('api_key_counts')];
        expect({ run, pages: pages.length, totals: totals.length, counts: sent.filter(([sql]) => /COUNT\(/.test(sql)).length }).toEqual({
          run,
          pages: 1,
          totals: 1,
          counts: 0,
        });
        const read = await explain(source, pages[0]!);
        expect({ run, indexes: read.indexes, scans: read.fullScans }).toEqual({
          run,
          indexes: expect.arrayContaining([`idx_api_keys_list_${label}_${sortBy}`]),
          scans: [],
        });
        const total = await explain(source, totals[0]!);
        expect({ run, indexes: total.indexes.length, scans: total.fullScans }).toEqual({ run, indexes: 1, scans: [] });
      }
    }
  });
});

describe('the total', () => {
  const counted = async (where: FindOptionsWhere<ApiKeyEntity>) => keys().countBy({ accountId: a.account_id, ...where });
  const totalOf = async (path: string, field: string) => {
    const body: Json = await okBody(call('get', `${path}?page_size=1`, a.auth));
    expect(body[field]).toHaveLength(Math.min(1, body.total));
    return body.total as number;
  };

  test('follows every key made and deleted, and goes with its environment or its user', async () => {
    const env = await okBody(call('post', `${a.base}/sub_accounts`, a.auth, { name: 'Totals', cloud_name: uniqueCloudName('kt') }));
    const envKeys = `${a.base}/sub_accounts/${env.id}/access_keys`;
    const user = await okBody(call('post', `${a.base}/users`, a.auth, { name: 'Counted', email: `counted-${Date.now()}@example.com` }));
    const userKeys = `${a.base}/users/${user.id}/api_keys`;
    const made = [];
    for (const path of [envKeys, envKeys, envKeys, userKeys, userKeys]) made.push(await okBody(call('post', path, a.auth, {})));
    await okBody(call('delete', `${envKeys}/${made[0].api_key}`, a.auth));
    await okBody(call('delete', `${envKeys}?name=${made[1].name}`, a.auth));
    await okBody(call('delete', `${userKeys}/${made[3].api_key}`, a.auth));
    // Gone already: nothing is deleted, nothing is counted off.
    expect((await call('delete', `${envKeys}/${made[0].api_key}`, a.auth)).status).toBe(404);
    expect({ environment: await totalOf(envKeys, 'access_keys'), user: await totalOf(userKeys, 'api_keys') }).toEqual({
      environment: await counted({ kind: 'environment', environmentId: env.id }),
      user: await counted({ kind: 'user', userId: user.id }),
    });
    expect([await counted({ kind: 'environment', environmentId: env.id }), await counted({ kind: 'user', userId: user.id })]).toEqual([
      2, 1,
    ]);

    await okBody(call('delete', `${a.base}/sub_accounts/${env.id}`, a.auth));
    await okBody(call('delete', `${a.base}/users/${user.id}`, a.auth));
    const rows = server.app.get(DataSource).getRepository(ApiKeyCountEntity);
    expect(await rows.countBy({ accountId: a.account_id, scopeId: In([env.id, user.id]) })).toBe(0);
  });
});

type SentQuery = [string, unknown[]];

/** The SQL the application sends while `act` runs. */
async function queriesDuring(source: DataSource, act: () => Promise<unknown>): Promise<SentQuery[]> {
  const logger = source.logger;
  const sent: SentQuery[] = [];
  source.logger = Object.assign(Object.create(logger) as typeof logger, {
    logQuery: (query: string, parameters?: unknown[]) => void sent.push([query, parameters ?? []]),
  });
  try {
    await act();
  } finally {
    source.logger = logger;
  }
  return sent;
}

interface Plan {
  /** Every index the plan reads. */
  indexes: string[];
  /** The indexes read without the table. */
  indexOnly: string[];
  /** Reads of a whole table, or of a whole index. */
  fullScans: string[];
}

/** The plan of a query, from EXPLAIN QUERY PLAN on SQLite and EXPLAIN on MySQL. */
async function explain(source: DataSource, [sql, parameters]: SentQuery): Promise<Plan> {
  if (usingMysql()) {
    const rows = (await source.query(`EXPLAIN ${sql}`, parameters)) as Array<{
      table: string;
      type: string;
      key: string | null;
      Extra: string | null;
    }>;
    const read = rows.filter((r) => !r.table.startsWith('<'));
    return {
      indexes: read.flatMap((r) => (r.key ? [r.key] : [])),
      indexOnly: read.flatMap((r) => (r.key && (r.Extra ?? '').split('; ').includes('Using index') ? [r.key] : [])),
      fullScans: read.flatMap((r) => (r.type === 'ALL' || r.type === 'index' ? [r.table] : [])),
    };
  }
  const details = ((await source.query(`EXPLAIN QUERY PLAN ${sql}`, parameters)) as Array<{ detail: string }>).map((r) => r.detail);
  const using = (pattern: RegExp) => details.flatMap((d) => pattern.exec(d)?.[1] ?? []);
  return {
    indexes: using(/USING (?:COVERING )?INDEX (\w+)/),
    indexOnly: using(/USING COVERING INDEX (\w+)/),
    // "SCAN page" reads the page of ids, not the table.
    fullScans: details.filter((d) => /^SCAN (?!page\b)/.test(d)),
  };
}

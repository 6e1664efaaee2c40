import type { Json, Method } from '../support/http.js';
import { ok, RawJson, withBody } from '../support/http.js';
import type { RegisteredRoute } from '../support/routes.js';
import { validBody } from './support/bodies.js';
import { request, startInputSuite } from './support/input-suite.js';
import { changes, RowChange, Snapshot, snapshot } from './support/database.js';
import { keyKindOf, pathFor, Target } from './support/fixture.js';
import { inputOf, NOSQL_TEXT, OpenApiDocument, SQL_INJECTION } from './support/openapi.js';
import type { SecurityServer } from './support/server.js';

// Fields a request does not declare are never written, and text that looks like a query is stored as text.

let server: SecurityServer;
let target: Target;
let doc: OpenApiDocument;
let routes: RegisteredRoute[];

beforeAll(async () => {
  ({ server, target, doc, routes } = await startInputSuite());
});
afterAll(() => server?.close());

/** A text no honest write would store, in every attacker value, so that a written one shows in any column. */
const MARK = 'mass-assigned';
const SECRET_LIKE = `cstla_${'M'.repeat(38)}`;

/** What an attacker would like to set, each value carrying a trace the database rows are searched for. */
function attackerFields(): Record<string, unknown> {
  return {
    id: `${MARK}-id`,
    account_id: target.other.account_id,
    api_key: '987654321987654',
    api_secret: SECRET_LIKE,
    secret: SECRET_LIKE,
    secret_hash: `${MARK}-hash`,
    previous_secret_hash: `${MARK}-previous-hash`,
    previous_secret_expires_at: '2099-09-09T09:09:09Z',
    code_hash: `${MARK}-code`,
    kind: 'account',
    root: true,
    system: true,
    created_at: '2001-02-03T04:05:06Z',
    updated_at: '2001-02-03T04:05:06Z',
    last_used_at: '2001-02-03T04:05:06Z',
    last_used_ip: '192.0.2.254',
    last_login: '2001-02-03T04:05:06Z',
    environment_id: target.foreign.envId,
    user_id: target.foreign.userId,
    rules: [{ effect: 'allow', actions: ['*'], conditions: { folder: MARK } }],
    role: 'master_admin',
    dedicated_for: 'webhooks',
    lock_version: 987654321,
    max_product_environments: 987654321,
    limits: { product_environments: 987654321 },
    attempts: -987654321,
    holder_type: MARK,
    saml_certificate: MARK,
  };
}

/** Traces of attacker values as the database stores them (dates in either driver's form). */
const TRACES = [MARK, '987654321', SECRET_LIKE, '2001-02-03', '2099-09-09', '192.0.2.254'];

/** Why a changed row shows an attacker value: a trace, another account's id, or a kind, root or role that was not asked for. */
function writtenAttack(change: RowChange, route: RegisteredRoute, declared: Set<string>): string[] {
  const row = change.after;
  if (!row) return [];
  const text = JSON.stringify(row);
  const found = [...TRACES, target.other.account_id, target.foreign.envId, target.foreign.userId].filter(
    (t) => text.includes(t) && !JSON.stringify(change.before ?? {}).includes(t),
  );
  if (change.table === 'api_keys') {
    const created = !change.before;
    if (created && !route.path.endsWith('/sub_accounts') && Boolean(row.root)) found.push('root: true');
    if (!created && Boolean(row.root) !== Boolean(change.before.root)) found.push('root changed');
    if (created && !route.path.endsWith('/sub_accounts') && row.kind !== keyKindOf(`${route.path}/:api_key`))
      found.push(`kind ${row.kind}`);
    if (!created && row.kind !== change.before.kind) found.push('kind changed');
  }
  if (change.table === 'users' && !declared.has('role') && row.role === 'master_admin' && change.before?.role !== 'master_admin')
    found.push('role master_admin');
  return found;
}

/**
 * Routes whose valid body must hold a one-time proof no generic body has (a password, a second-factor code, an
 * emailed link): a generic body is refused before anything is read. Their own suites (test/sign-in/) check that
 * they store only what they declare.
 */
const NEEDS_A_PROOF = [
  'post /v1_1/sign-in',
  'post /v1_1/sign-in/second-factor',
  'post /v1_1/sign-in/enrollment/confirm',
  'post /v1_1/invitations/inspect',
  'post /v1_1/invitations/accept',
  'post /v1_1/password-reset/confirm',
  'put /v1_1/me/password',
  'post /v1_1/me/two-factor/confirm',
  'post /v1_1/me/recovery-codes',
];

describe('mass assignment', () => {
  test('no write route stores a field it does not declare', async () => {
    const writes = routes.filter(
      (r) => (r.method === 'post' || r.method === 'put') && inputOf(doc, r)?.body && !NEEDS_A_PROOF.includes(`${r.method} ${r.path}`),
    );
    expect(writes.length).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    for (const route of writes) {
      const valid = validBody(doc, route, target)!;
      const declared = new Set(Object.keys(inputOf(doc, route)!.body!.properties ?? {}));
      const extra = Object.fromEntries(Object.entries(attackerFields()).filter(([name]) => !declared.has(name)));
      // __proto__ is an own key only in JSON text: an object literal would set the prototype instead.
      const body = new RawJson(
        JSON.stringify({ ...valid, ...extra }).replace(
          /^\{/,
          `{"__proto__":{"polluted":"${MARK}","root":true},"constructor":{"prototype":{"polluted":"${MARK}"}},`,
        ),
      );
      const before = await snapshot(server.app);
      const res = await withBody(request({ server, target }, route, pathFor(route, target)), body);
      if (res.status !== 200)
        failures.push(`${route.method.toUpperCase()} ${route.path}: the valid body was refused: ${res.status} ${res.text.slice(0, 160)}`);
      if (res.text.includes(MARK) || res.text.includes('987654321'))
        failures.push(`${route.method.toUpperCase()} ${route.path}: the answer echoes an attacker value`);
      for (const change of changes(before, await snapshot(server.app))) {
        const found = writtenAttack(change, route, declared);
        if (found.length)
          failures.push(`${route.method.toUpperCase()} ${route.path}: ${change.table} ${change.key} got ${found.join(', ')}`);
      }
      if (({} as Json).polluted !== undefined) failures.push(`${route.method.toUpperCase()} ${route.path}: Object.prototype was polluted`);
    }
    expect(failures).toEqual([]);
  });
});

describe('injection text in free-text fields is data', () => {
  let initial: Snapshot;
  beforeAll(async () => (initial = await snapshot(server.app)));

  const INJECTIONS = [
    ...SQL_INJECTION,
    "Robert'); DROP TABLE users;--",
    NOSQL_TEXT,
    '{"$where": "1"}',
    "\\'; SELECT * FROM accounts; --",
    '%_*',
  ];

  /** Each free-text field, written with every injection text and read back. */
  const ROUND_TRIPS: Array<{
    what: string;
    write: (value: string, i: number) => [Method, string, Record<string, unknown>];
    read: (created: Json) => string;
    fields: string[];
  }> = [
    {
      what: 'the account name',
      write: (v) => ['put', target.account.base, { name: v }],
      read: () => target.account.base,
      fields: ['name'],
    },
    {
      what: 'a product environment',
      write: (v) => ['post', `${target.account.base}/sub_accounts`, { name: v, description: v }],
      read: (c) => `${target.account.base}/sub_accounts/${c.id}`,
      fields: ['name', 'description'],
    },
    {
      what: 'a user',
      write: (v, i) => ['post', `${target.account.base}/users`, { name: v, email: `injection.${i}@${target.account.account_id}.example` }],
      read: (c) => `${target.account.base}/users/${c.id}`,
      fields: ['name'],
    },
    {
      what: 'a user group',
      write: (v) => ['post', `${target.account.base}/user_groups`, { name: v }],
      read: (c) => `${target.account.base}/user_groups/${c.id}`,
      fields: ['name'],
    },
    {
      what: 'a custom role',
      write: (v) => [
        'post',
        `${target.account.base}/roles`,
        { name: v, description: v, rules: [{ effect: 'allow', actions: ['upload:upload'] }] },
      ],
      read: (c) => `${target.account.base}/roles/${c.id}`,
      fields: ['name', 'description'],
    },
  ];

  test.each(ROUND_TRIPS.map((r) => [r.what, r] as const))('%s stores and returns it literally', async (_, trip) => {
    for (const [i, value] of INJECTIONS.entries()) {
      const [method, path, body] = trip.write(value, i);
      const created = ok(await server.call(method, path, target.account.auth, body));
      const read = ok(await server.call('get', trip.read(created), target.account.auth));
      for (const field of trip.fields) expect({ field, value: read[field] }).toEqual({ field, value });
    }
  });

  test.each([
    ['an environment access key', () => `${target.account.base}/sub_accounts/${target.ids.sub_account_id}/access_keys`, 'access_keys'],
    ['an account API key', () => `${target.account.base}/account_api_keys`, 'account_api_keys'],
    ['a user API key', () => `${target.account.base}/users/${target.ids.user_id}/api_keys`, 'api_keys'],
  ])('%s stores its name and description literally', async (_, collection, listed) => {
    for (const value of INJECTIONS) {
      const created = ok(await server.call('post', collection(), target.account.auth, { name: value, description: value }));
      const list = ok(await server.call('get', `${collection()}?page_size=1000`, target.account.auth));
      const key = (list[listed] as Json[]).find((k) => k.api_key === created.api_key);
      expect({ name: key?.name, description: key?.description }).toEqual({ name: value, description: value });
    }
  });

  test('filters take it literally: a prefix matches only names that start with it', async () => {
    for (const value of INJECTIONS) {
      const environments = ok(
        await server.call('get', `${target.account.base}/sub_accounts?prefix=${encodeURIComponent(value)}`, target.account.auth),
      );
      expect((environments.sub_accounts as Json[]).filter((e) => !e.name.toLowerCase().startsWith(value.toLowerCase()))).toEqual([]);
      const users = ok(await server.call('get', `${target.account.base}/users?prefix=${encodeURIComponent(value)}`, target.account.auth));
      expect(
        (users.users as Json[]).filter(
          (u) => !u.name.toLowerCase().startsWith(value.toLowerCase()) && !u.email.toLowerCase().startsWith(value.toLowerCase()),
        ),
      ).toEqual([]);
      const events = ok(
        await server.call('get', `${target.account.base}/audit_events?action=${encodeURIComponent(value)}`, target.account.auth),
      );
      expect(events.events).toEqual([]);
    }
  });

  test('after all of it, every table and every row written before is still there', async () => {
    const now = await snapshot(server.app);
    expect([...now.keys()].sort()).toEqual([...initial.keys()].sort());
    expect(changes(initial, now).filter((c) => c.after === undefined)).toEqual([]);
  });
});

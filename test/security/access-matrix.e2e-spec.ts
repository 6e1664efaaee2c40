import type { Response } from 'supertest';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@castellan/core';
import type { RouteAccess } from '@castellan/core';
import type { Method } from '../support/http.js';
import { RegisteredRoute, registeredRoutes } from '../support/routes.js';
import { validBody } from './support/bodies.js';
import { buildTarget, CredentialName, pathFor, SessionName, Target } from './support/fixture.js';
import { OpenApiDocument, openApiDocument } from './support/openapi.js';
import { refusalProblems } from './support/refusals.js';
import { inParallel, IN_FLIGHT, SecurityServer, startSecurityServer } from './support/server.js';

// Every registered route, called with every credential that must not get through: routes are read from the
// running application, so a new route is in the matrix the day it is added.

let server: SecurityServer;
let target: Target;
let doc: OpenApiDocument;
let routes: Array<RegisteredRoute & { access: RouteAccess & { public: false } }>;

beforeAll(async () => {
  server = await startSecurityServer();
  target = await buildTarget(server);
  doc = await openApiDocument(server);
  routes = registeredRoutes(server.app).filter((r): r is (typeof routes)[number] => r.access !== undefined && !r.access.public);
});
afterAll(() => server?.close());

/** Refused by authentication wherever they are used: their secret is right, but the key may not authenticate. */
const UNUSABLE: CredentialName[] = [
  'disabled account key',
  'expired account key',
  'disabled environment key',
  'expired environment key',
  'disabled user key',
  'expired user key',
  'key of a disabled user',
];

/** The answer a credential must get on a route, or undefined where it may legitimately succeed. */
function expected(route: (typeof routes)[number], credential: CredentialName): { status: 401 | 403; message: string } | undefined {
  if (UNUSABLE.includes(credential)) return { status: 401, message: 'Invalid credentials' };
  // A valid key of another account is answered like a wrong secret; the decision API has no account in its path.
  if (credential === 'another account')
    return route.params.includes('account_id') ? { status: 401, message: 'Invalid credentials' } : undefined;
  // A person's own routes take no key, however privileged.
  if (route.access.person) return { status: 403, message: PERSON_ONLY };
  // Environment keys never hold provisioning actions, and the weak user's role holds none.
  return route.access.permission ? { status: 403, message: `Not allowed: ${route.access.permission}` } : undefined;
}

const PERSON_ONLY = "Only a person signed in to the console may call this route; API keys, even a user's own, may not";

/** What a session must get: the same as its user's key would, since a session acts as its user. */
function expectedOfSession(route: (typeof routes)[number], session: SessionName): { status: 401 | 403; message: string } | undefined {
  if (session === 'session of another account')
    return route.params.includes('account_id') ? { status: 401, message: 'Invalid credentials' } : undefined;
  return route.access.permission ? { status: 403, message: `Not allowed: ${route.access.permission}` } : undefined;
}

const send = (route: RegisteredRoute, credentials: readonly [string, string], body?: Record<string, unknown>): Promise<Response> =>
  Promise.resolve(server.call(route.method as Method, pathFor(route, target), credentials, body));

/** A request with a session cookie, and the CSRF header the console sends, so that only the session's rights decide. */
const sendAsSession = (route: RegisteredRoute, cookie: string, body?: Record<string, unknown>): Promise<Response> => {
  const req = server.call(route.method as Method, pathFor(route, target), null, body).set('cookie', cookie);
  return Promise.resolve(req.set(CSRF_HEADER, CSRF_HEADER_VALUE));
};

const bodyFor = (route: RegisteredRoute) => (route.method === 'post' || route.method === 'put' ? validBody(doc, route, target) : undefined);

describe('the access matrix', () => {
  test('covers the registered routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(50);
  });

  test("the target's own root key reaches every read route: the ids in the paths are real", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method === 'get' && r.params.includes('account_id'))) {
      const res = await send(route, target.account.auth);
      if (res.status !== 200) failures.push(`GET ${route.path}: ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  });

  test.each<CredentialName>([...UNUSABLE, 'another account', 'environment key', 'user key without privileges'])(
    '%s: refused on every route it does not belong to, never 2xx, never 5xx',
    async (credential) => {
      const cells = routes.flatMap((route) => {
        const want = expected(route, credential);
        return want ? [{ route, want }] : [];
      });
      // A body the route would accept, so that a missing check shows as a success rather than a 400.
      const answers = await inParallel(cells, IN_FLIGHT, ({ route }) => send(route, target.credentials[credential], bodyFor(route)));
      const failures = answers.flatMap((res, i) => {
        const { route, want } = cells[i]!;
        const problems = refusalProblems(res, want.status, want.message);
        return problems.length ? [`${route.method.toUpperCase()} ${route.path}: ${problems.join('; ')}`] : [];
      });
      expect(failures).toEqual([]);
      expect(cells.length).toBeGreaterThan(0);
    },
  );

  test.each<SessionName>(['session without privileges', 'session of another account'])(
    '%s: refused like its user on every route it does not belong to, never 2xx, never 5xx',
    async (session) => {
      const cells = routes.flatMap((route) => {
        const want = expectedOfSession(route, session);
        return want ? [{ route, want }] : [];
      });
      const answers = await inParallel(cells, IN_FLIGHT, ({ route }) => sendAsSession(route, target.sessions[session], bodyFor(route)));
      const failures = answers.flatMap((res, i) => {
        const { route, want } = cells[i]!;
        const problems = refusalProblems(res, want.status, want.message, false);
        return problems.length ? [`${route.method.toUpperCase()} ${route.path}: ${problems.join('; ')}`] : [];
      });
      expect(failures).toEqual([]);
      expect(cells.length).toBeGreaterThan(0);
    },
  );
});

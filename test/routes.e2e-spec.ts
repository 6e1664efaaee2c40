import { ChangeInterceptor, mayChange } from '@castellan/core';
import { PermissionCatalog } from '@castellan/permissions';
import { startServer, TestServer } from './support/harness.js';
import { RegisteredRoute, registeredRoutes as routesOf } from './support/routes.js';

/** Signing in, finishing a sign-in, invitations, password resets and SAML: public, each reading its own proof. */
const SIGN_IN_ROUTES = [
  'POST /v1_1/sign-in',
  'POST /v1_1/sign-out',
  'GET /v1_1/session',
  'POST /v1_1/sign-in/second-factor',
  'POST /v1_1/sign-in/enrollment',
  'POST /v1_1/sign-in/enrollment/confirm',
  'POST /v1_1/invitations/inspect',
  'POST /v1_1/invitations/accept',
  'POST /v1_1/password-reset',
  'POST /v1_1/password-reset/confirm',
  'GET /v1_1/sso/:account_id/saml/metadata',
  'GET /v1_1/sso/:account_id/saml/login',
  'POST /v1_1/sso/:account_id/saml/acs',
];

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

const registeredRoutes = () => routesOf(server.app);

describe('deny by default', () => {
  test('the walk finds the routes', () => {
    expect(registeredRoutes().length).toBeGreaterThanOrEqual(15);
  });

  test('every route declares its permission or that it is public', () => {
    const undeclared = registeredRoutes()
      .filter((r) => r.access === undefined)
      .map((r) => r.name);
    expect(undeclared).toEqual([]);
  });

  test('only the health check, leak reports and the ways a person signs in are public', () => {
    const open = registeredRoutes().filter((r) => r.access?.public);
    expect(open.filter((r) => /^(Health|Leak)Controller\./.test(r.name))).toHaveLength(2);
    expect(
      open
        .filter((r) => !/^(Health|Leak)Controller\./.test(r.name))
        .map((r) => `${r.method.toUpperCase()} ${r.path}`)
        .sort(),
    ).toEqual(SIGN_IN_ROUTES.slice().sort());
  });

  test('the public routes that sign in, or finish a sign-in, need the CSRF header', () => {
    const csrf = registeredRoutes().filter((r) => r.access?.public && r.access.csrf);
    expect(csrf.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual([
      'POST /v1_1/invitations/accept',
      'POST /v1_1/sign-in',
      'POST /v1_1/sign-in/enrollment',
      'POST /v1_1/sign-in/enrollment/confirm',
      'POST /v1_1/sign-in/second-factor',
    ]);
  });

  test("a person's own routes are under /v1_1/me", () => {
    const person = registeredRoutes().filter((r) => r.access && !r.access.public && r.access.person);
    expect(person.length).toBeGreaterThanOrEqual(8);
    expect(person.filter((r) => !r.path.startsWith('/v1_1/me')).map((r) => r.name)).toEqual([]);
  });

  test('every route answers a success with 200, as the Cloudinary SDKs require (but the redirects of SAML sign-in)', () => {
    const redirects = registeredRoutes().filter((r) => r.redirects);
    expect(redirects.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual([
      'GET /v1_1/sso/:account_id/saml/login',
      'POST /v1_1/sso/:account_id/saml/acs',
    ]);
    const other = registeredRoutes()
      .filter((r) => r.status !== 200 && !r.redirects)
      .map((r) => `${r.name}: ${r.status}`);
    expect(other).toEqual([]);
  });

  test('every declared permission is a provisioning action of the catalogue', () => {
    const catalog = server.app.get(PermissionCatalog);
    // A route for a user's own things names the action its owner needs too.
    const permissions = registeredRoutes().flatMap((r) =>
      r.access && !r.access.public && r.access.permission
        ? [r.access.permission, ...(r.access.owner ? [r.access.owner.permission] : [])]
        : [],
    );
    expect(permissions).toContain('provisioning:own_api_keys.rotate');
    expect(permissions.filter((p) => !p.startsWith('provisioning:') || !catalog.get(p))).toEqual([]);
  });

  test('every route that can change something tells the change observers (audit log, key cache); no other route pays for it', () => {
    const changing = (r: RegisteredRoute) =>
      ['post', 'put', 'delete'].includes(r.method) && r.access && !r.access.public && mayChange(r.access.permission);
    const observed = (r: RegisteredRoute) => r.interceptors.includes(ChangeInterceptor);
    expect(
      registeredRoutes()
        .filter((r) => changing(r) && !observed(r))
        .map((r) => r.name),
    ).toEqual([]);
    const decisions = registeredRoutes().filter((r) => r.controller === 'DecisionController');
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.filter((r) => r.interceptors.length > 0).map((r) => r.name)).toEqual([]);
  });

  test('only the decision API asks for nothing more than a valid key', () => {
    const anyKey = registeredRoutes().filter((r) => r.access && !r.access.public && r.access.permission === null && !r.access.person);
    expect(anyKey.map((r) => r.name.split('.')[0])).toEqual(Array(anyKey.length).fill('DecisionController'));
  });
});

describe('OpenAPI', () => {
  test('/docs-json describes the API with the Basic scheme and each route permission', async () => {
    const res = await server.http().get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.components.securitySchemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
    const op = res.body.paths['/v1_1/provisioning/accounts/{account_id}/sub_accounts'].post;
    expect(op['x-permission']).toBe('provisioning:sub_accounts.create');
    expect(op.security).toEqual([{ basic: [] }, { castellan_session: [] }]);
    expect(res.body.components.securitySchemes.castellan_session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'castellan_session',
    });
    expect(res.body.paths['/v1_1/me/sessions'].get.security).toEqual([{ castellan_session: [] }]);
  });

  test('every schema reference names a schema the document holds (nested bodies are described too)', async () => {
    const doc = (await server.http().get('/docs-json')).body;
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]*)"/g)].map((m) => m[1]!);
    expect(refs).toContain('SamlSettingsInputDto');
    expect(refs.filter((name) => !(name in doc.components.schemas))).toEqual([]);
  });

  test('/docs serves the interactive documentation', async () => {
    const res = await server.http().get('/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});

describe('errors below the routes keep the Cloudinary error format', () => {
  test.each([
    ['an unknown path', () => server.http().get('/nope'), 404],
    ['an unknown method', () => server.http().patch('/health'), 404],
  ])('%s', async (_, call, status) => {
    const res = await call();
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { message: expect.any(String) } });
  });

  test.each([
    ['malformed JSON', 'application/json', '{"name":', 400],
    ['an unsupported content type', 'text/plain', 'name=x', 415],
    ['a body over 1 MiB', 'application/json', JSON.stringify({ name: 'x'.repeat(1100000) }), 413],
  ])('%s', async (_, type, body, status) => {
    const a = await server.newAccount();
    const res = await server
      .http()
      .post(`${a.base}/sub_accounts`)
      .auth(...a.auth)
      .set('content-type', type)
      .send(body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { message: expect.any(String) } });
    const list = await server
      .http()
      .get(`${a.base}/sub_accounts`)
      .auth(...a.auth);
    expect(list.body.sub_accounts).toEqual([]);
  });

  test('an empty body with a JSON content type reads as no fields', async () => {
    const a = await server.newAccount();
    const res = await server
      .http()
      .post(`${a.base}/sub_accounts`)
      .auth(...a.auth)
      .set('content-type', 'application/json')
      .send('');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/name/);
  });
});

describe('authentication', () => {
  test.each([
    ['no header', undefined],
    ['not Basic', 'Bearer abc'],
    ['not base64', 'Basic %%%'],
    ['no colon', `Basic ${Buffer.from('justakey').toString('base64')}`],
    ['a secret of the wrong form', `Basic ${Buffer.from('123456789012345:short').toString('base64')}`],
  ])('%s is refused with 401 and a Basic challenge', async (_, header) => {
    const a = await server.newAccount();
    const req = server.http().get(a.base);
    const res = await (header ? req.set('authorization', header) : req);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="castellan"');
    expect(res.body).toEqual({ error: { message: 'Invalid credentials' } });
  });

  test('text after a second colon is part of the secret (RFC 7617), so KEY:SECRET:anything is a wrong secret', async () => {
    const a = await server.newAccount();
    expect((await server.http().get(a.base).auth(a.api_key, a.api_secret)).status).toBe(200);
    for (const extra of [':anything', ':', '::']) {
      const res = await server.http().get(a.base).auth(a.api_key, `${a.api_secret}${extra}`);
      expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: { message: 'Invalid credentials' } } });
    }
  });

  test('a well-formed secret of another key is refused', async () => {
    const [a, b] = [await server.newAccount(), await server.newAccount()];
    const res = await server.http().get(a.base).auth(a.api_key, b.api_secret);
    expect(res.status).toBe(401);
  });
});

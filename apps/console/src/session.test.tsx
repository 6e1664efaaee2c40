import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from './api';
import type { CurrentSession, Profile } from './person/wire';
import { type ConsoleState, initialState, SESSION_ENDED, SessionProvider, useSessionState } from './session';

// How a console session starts and ends, against a fake Castellan: the person the cookie signs in comes first,
// then the key this tab stored; a person's 401 ends the session only when Castellan no longer knows it.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const person = (stage: CurrentSession['stage']): CurrentSession => ({
  stage,
  account_id: 'acc',
  user_id: 'u1',
  name: 'Ada',
  email: 'ada@example.com',
  role: 'technical_admin',
  method: 'password',
  two_factor_enabled: true,
  two_factor_policy: 'required',
  expires_at: '2030-01-01T00:00:00Z',
});
const profile: Profile = {
  id: 'u1',
  account_id: 'acc',
  name: 'Ada',
  email: 'ada@example.com',
  role: 'technical_admin',
  language: 'en',
  theme: 'dark',
  email_preferences: { product_updates: false, security_notifications: true },
  two_factor_enabled: true,
  two_factor_policy: 'required',
  created_at: '2026-01-01T00:00:00Z',
  last_login: null,
};
const catalog = {
  plugins: [
    {
      name: 'provisioning',
      title: 'Provisioning',
      description: '',
      actions: [
        { name: 'provisioning:users.read', description: '', attributes: [], scope: 'account' },
        { name: 'provisioning:sub_accounts.create', description: '', attributes: [], scope: 'account' },
      ],
    },
  ],
  key_kinds: [],
} as unknown as Schemas['CatalogDto'];

type Answer = { status: number; body?: unknown };
interface Call {
  method: string;
  path: string;
  init: RequestInit;
}

/** A fake Castellan: answers by "METHOD path", and records each call. */
function castellan(answers: Record<string, Answer | (() => Answer)>) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit) => {
      const method = init.method ?? 'GET';
      calls.push({ method, path, init });
      const found = answers[`${method} ${path}`];
      const answer = typeof found === 'function' ? found() : (found ?? { status: 404, body: { error: { message: 'Not found' } } });
      return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), { status: answer.status });
    }),
  );
  return calls;
}

const refused = { status: 401, body: { error: { message: 'Invalid credentials' } } };
const decisions = { status: 200, body: { results: [{ allowed: false }, { allowed: true }] } };

beforeEach(() => sessionStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('the console opens', () => {
  it("signed in as the person the browser's cookie signs in, with their profile and what they may do, before any stored key", async () => {
    sessionStorage.setItem('castellan.console.credentials', JSON.stringify({ apiKey: 'k', secret: 's' }));
    const calls = castellan({
      'GET /v1_1/session': { status: 200, body: person('full') },
      'GET /v1_1/me': { status: 200, body: profile },
      'GET /v1_1/permissions/catalog': { status: 200, body: catalog },
      'POST /v1_1/authorize/batch': decisions,
    });
    const state = await initialState();
    expect(state).toEqual({
      phase: 'signed-in',
      start: { kind: 'person', person: person('full'), profile, allowed: ['provisioning:sub_accounts.create'] },
    });
    expect(calls.map((c) => c.path)).not.toContain('/v1_1/keys/self');
    // The cookie is the browser's: no Authorization, and the CSRF marker on every call.
    for (const { init } of calls) {
      expect(init.credentials).toBe('same-origin');
      expect(init.headers).not.toHaveProperty('authorization');
      expect(init.headers).toMatchObject({ 'x-requested-with': 'XMLHttpRequest' });
    }
  });

  it('at the stage a sign-in waits at, reading nothing a complete session would', async () => {
    const calls = castellan({ 'GET /v1_1/session': { status: 200, body: person('second_factor') } });
    expect(await initialState()).toEqual({ phase: 'signing-in', person: person('second_factor') });
    expect(calls.map((c) => c.path)).toEqual(['/v1_1/session']);
  });

  it('with the key this tab signed in with, when no person is signed in', async () => {
    sessionStorage.setItem('castellan.console.credentials', JSON.stringify({ apiKey: 'k', secret: 's' }));
    const self = { api_key: 'k', name: 'Root', kind: 'account', account_id: 'acc', environment: null, rules: [], default: false };
    const calls = castellan({
      'GET /v1_1/session': refused,
      'GET /v1_1/keys/self': { status: 200, body: self },
      'GET /v1_1/permissions/catalog': { status: 200, body: catalog },
      'POST /v1_1/authorize/batch': decisions,
    });
    const state = await initialState();
    expect(state).toMatchObject({ phase: 'signed-in', start: { kind: 'key', self, allowed: ['provisioning:sub_accounts.create'] } });
    expect(calls.find((c) => c.path === '/v1_1/keys/self')!.init.headers).toMatchObject({ authorization: `Basic ${btoa('k:s')}` });
  });

  it("signed out, at the form last used: a person's when nothing is stored, the key form when the stored key is refused", async () => {
    castellan({ 'GET /v1_1/session': refused });
    expect(await initialState()).toEqual({ phase: 'signed-out', via: 'person' });
    sessionStorage.setItem('castellan.console.credentials', JSON.stringify({ apiKey: 'k', secret: 'wrong' }));
    castellan({ 'GET /v1_1/session': refused, 'GET /v1_1/keys/self': refused });
    expect(await initialState()).toEqual({ phase: 'signed-out', via: 'key' });
  });
});

describe("a person's session", () => {
  let container: HTMLDivElement;
  let root: Root;
  let current: ReturnType<typeof useSessionState>;
  const signedIn: ConsoleState = {
    phase: 'signed-in',
    start: { kind: 'person', person: person('full'), profile, allowed: [] },
  };

  function Probe() {
    current = useSessionState();
    return null;
  }
  const mount = async (initial: ConsoleState) => {
    container = document.createElement('div');
    root = createRoot(container);
    await act(async () =>
      root.render(
        <SessionProvider initial={initial}>
          <Probe />
        </SessionProvider>,
      ),
    );
  };
  afterEach(() => act(() => root.unmount()));

  it('shows its theme at once, and a changed one the moment it changes; signed out, the console is light again', async () => {
    castellan({ 'POST /v1_1/sign-out': { status: 200, body: { message: 'ok' } } });
    await mount(signedIn);
    expect(document.documentElement.dataset['theme']).toBe('dark');
    await act(async () => current.session!.profileChanged({ ...profile, theme: 'light' }));
    expect(document.documentElement.dataset['theme']).toBe('light');
    await act(async () => current.session!.profileChanged({ ...profile, theme: 'dark' }));
    await act(() => current.signOut());
    expect(document.documentElement.dataset['theme']).toBe('light');
  });

  it('signs out through the API, and lands on the sign-in form', async () => {
    const calls = castellan({ 'POST /v1_1/sign-out': { status: 200, body: { message: 'ok' } } });
    await mount(signedIn);
    await act(() => current.signOut());
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /v1_1/sign-out']);
    expect(current.state).toEqual({ phase: 'signed-out', via: 'person' });
  });

  it('ends on a 401 once Castellan no longer knows it (idle, ended elsewhere, the user disabled)', async () => {
    castellan({ 'GET /v1_1/provisioning/accounts/acc/users': refused, 'GET /v1_1/session': refused });
    await mount(signedIn);
    await act(() => current.session!.api.get('/v1_1/provisioning/accounts/acc/users').catch(() => undefined));
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(current.state).toEqual({ phase: 'signed-out', via: 'person', notice: SESSION_ENDED });
    expect(current.session).toBeNull();
    // The sign-in page is not in the person's theme: nobody is signed in.
    expect(document.documentElement.dataset['theme']).toBe('light');
  });

  it('stays on a 401 that refused what a call sent, while the session lives', async () => {
    castellan({ 'PUT /v1_1/me/password': refused, 'GET /v1_1/session': { status: 200, body: person('full') } });
    await mount(signedIn);
    await act(() => current.session!.api.put('/v1_1/me/password', {}).catch(() => undefined));
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(current.state.phase).toBe('signed-in');
  });

  it("goes to the stage a 401's session was sent back to (the account came to require two-factor)", async () => {
    castellan({ 'GET /v1_1/provisioning/accounts/acc/users': refused, 'GET /v1_1/session': { status: 200, body: person('enrollment') } });
    await mount(signedIn);
    await act(() => current.session!.api.get('/v1_1/provisioning/accounts/acc/users').catch(() => undefined));
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(current.state).toEqual({ phase: 'signing-in', person: person('enrollment') });
  });

  it('continues a sign-in to where its session stands', async () => {
    castellan({ 'GET /v1_1/session': { status: 200, body: person('enrollment') } });
    sessionStorage.setItem('castellan.console.credentials', JSON.stringify({ apiKey: 'k', secret: 's' }));
    await mount({ phase: 'signed-out', via: 'person' });
    let route = '';
    await act(async () => void (route = await current.continueAsPerson()));
    expect(route).toBe('/sign-in/enrollment');
    expect(current.state).toEqual({ phase: 'signing-in', person: person('enrollment') });
    // The cookie decides from now on: a key stored before must not come back on the next load.
    expect(sessionStorage.length).toBe(0);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, pathSegments } from './api';
import { startKeySession, WRONG_CREDENTIALS } from './session';

const refused = () => new Response(JSON.stringify({ error: { message: 'Invalid credentials' } }), { status: 401 });

afterEach(() => vi.unstubAllGlobals());

describe('the calls to Castellan', () => {
  it('carry X-Requested-With, so that a 401 comes without the Basic challenge that hands the request to the browser', async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response('{"ok":true}', { status: 200 })));
    vi.stubGlobal('fetch', fetch);
    await createApi({ apiKey: '123', secret: 's' }).post('/v1_1/x', { a: 1 });
    const [, init] = fetch.mock.calls[0]! as unknown as [string, RequestInit];
    expect(init.headers).toMatchObject({ authorization: `Basic ${btoa('123:s')}`, 'x-requested-with': 'XMLHttpRequest' });
  });

  it("keep the API's message on a refusal", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(refused())),
    );
    await expect(createApi({ apiKey: '123', secret: 's' }).get('/v1_1/keys/self')).rejects.toEqual(
      new ApiError(401, 'Invalid credentials'),
    );
  });

  it('keep the place in the body that a refusal names, when it names one', async () => {
    const body = { error: { message: 'rules[0].actions[1]: unknown action "x:y"', path: 'rules[0].actions[1]' } };
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify(body), { status: 400 }))),
    );
    const refusal = await createApi({ apiKey: '123', secret: 's' })
      .put('/v1_1/x', { rules: [] })
      .catch((e: unknown) => e);
    expect(refusal).toEqual(new ApiError(400, body.error.message, 'rules[0].actions[1]'));
    expect((refusal as ApiError).path).toBe('rules[0].actions[1]');
  });
});

describe('signing in', () => {
  it('says which inputs to check when Castellan refuses the key', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(refused())),
    );
    await expect(startKeySession({ apiKey: '123', secret: 'wrong' })).rejects.toEqual(new ApiError(401, WRONG_CREDENTIALS));
  });
});

describe('the path of a refusal', () => {
  it('reads as keys and indices', () => {
    expect(pathSegments('rules[12].actions[0]')).toEqual(['rules', 12, 'actions', 0]);
    expect(pathSegments('rules[0].conditions.folder.$regex')).toEqual(['rules', 0, 'conditions', 'folder', '$regex']);
    expect(pathSegments('saml.sso_url')).toEqual(['saml', 'sso_url']);
  });
});

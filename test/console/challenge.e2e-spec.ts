import { INVALID_CREDENTIALS, startServer, type TestAccount, type TestServer } from '../support/harness.js';

// A 401 with a Basic challenge makes a browser take the request over (its own sign-in pop-up; headless, a request
// that never ends), so the console marks its calls with X-Requested-With and gets the 401 without the challenge.
// Every other client keeps it.
describe('the Basic challenge on a 401', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeAll(async () => {
    server = await startServer();
    account = await server.newAccount('Challenge test account');
  });
  afterAll(() => server?.close());

  const refused = (marker?: string) => {
    const req = server.http().get('/v1_1/keys/self').auth(account.api_key, 'wrong secret');
    return marker === undefined ? req : req.set('X-Requested-With', marker);
  };

  it("is left out for the console's calls, which carry X-Requested-With: XMLHttpRequest", async () => {
    const res = await refused('XMLHttpRequest');
    expect({ status: res.status, challenge: res.headers['www-authenticate'], body: res.body }).toEqual({
      status: 401,
      challenge: undefined,
      body: INVALID_CREDENTIALS,
    });
  });

  it('stays for every other client: no marker, or another value', async () => {
    for (const res of [await refused(), await refused('com.example.app')]) {
      expect({ status: res.status, challenge: res.headers['www-authenticate'], body: res.body }).toEqual({
        status: 401,
        challenge: 'Basic realm="castellan"',
        body: INVALID_CREDENTIALS,
      });
    }
  });

  it('is left out when credentials are missing too, and the marker changes nothing else', async () => {
    const missing = await server.http().get('/v1_1/keys/self').set('X-Requested-With', 'XMLHttpRequest');
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, undefined]);
    const ok = await server
      .http()
      .get('/v1_1/keys/self')
      .auth(...account.auth)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect([ok.status, ok.body.api_key]).toEqual([200, account.api_key]);
  });
});

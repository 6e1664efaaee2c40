import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from './support/harness.js';

// The console's static files, served by the API process at /console from CONSOLE_DIR.

const dir = mkdtempSync(join(tmpdir(), 'castellan-console-'));
const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/index-AbC123.js"></script></head><body></body></html>';
mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
writeFileSync(join(dir, 'built', 'index.html'), INDEX);
writeFileSync(join(dir, 'built', 'assets', 'index-AbC123.js'), 'console.log(1)');

let built: TestServer;
let unbuilt: TestServer;

beforeAll(async () => {
  built = await startServer({ CONSOLE_DIR: join(dir, 'built') });
  unbuilt = await startServer({ CONSOLE_DIR: join(dir, 'missing') });
});
afterAll(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(dir, { recursive: true, force: true });
});

it('sends /console to /console/', async () => {
  const res = await built.http().get('/console');
  expect({ status: res.status, location: res.headers.location }).toEqual({ status: 301, location: '/console/' });
});

it('serves the page, revalidated on every load, under a policy that allows only its own scripts and styles', async () => {
  const res = await built.http().get('/console/');
  expect({ status: res.status, type: res.headers['content-type'], cache: res.headers['cache-control'], body: res.text }).toEqual({
    status: 200,
    type: 'text/html; charset=utf-8',
    cache: 'no-cache',
    body: INDEX,
  });
  expect(res.headers['content-security-policy']).toBe(
    "default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';" +
      "base-uri 'none';form-action 'none';frame-ancestors 'none'",
  );
  expect(res.headers['x-frame-options']).toBe('DENY');
});

it('caches hashed assets for a year', async () => {
  const res = await built.http().get('/console/assets/index-AbC123.js');
  expect({ status: res.status, cache: res.headers['cache-control'] }).toEqual({
    status: 200,
    cache: 'public, max-age=31536000, immutable',
  });
});

it('answers 404 for a file the build does not have, and 403 for a path out of it', async () => {
  const answer = async (path: string) => {
    const res = await built.http().get(path);
    return { status: res.status, body: res.body };
  };
  expect(await answer('/console/assets/nope.js')).toEqual({ status: 404, body: { error: { message: 'Not found' } } });
  // An asset a rolling deploy has not brought to this instance yet must not be cached as missing for a year.
  for (const path of ['/console/assets/nope.js', '/console/nope.html', '/console/../package.json']) {
    expect((await built.http().get(path)).headers['cache-control']).toBe('no-store');
  }
  for (const path of ['/console/../package.json', '/console/%2e%2e/%2e%2e/package.json']) {
    expect(await answer(path)).toEqual({ status: 403, body: { error: { message: 'Forbidden' } } });
  }
});

it('says how to build the console when it is not built', async () => {
  for (const path of ['/console', '/console/', '/console/assets/x.js']) {
    const res = await unbuilt.http().get(path);
    expect({ status: res.status, body: res.body }).toEqual({
      status: 404,
      body: { error: { message: `The console is not built (no ${join(dir, 'missing', 'index.html')}): run npm run build` } },
    });
  }
});

it('leaves the API as it was: JSON answers keep their own policy and no-store', async () => {
  const res = await built.http().get('/health');
  expect({ cache: res.headers['cache-control'], csp: res.headers['content-security-policy'] }).toEqual({
    cache: 'no-store',
    csp: "default-src 'none';frame-ancestors 'none'",
  });
});

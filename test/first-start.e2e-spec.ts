import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded } from './support/cli.js';
import { Instance, Instances } from './support/instances.js';

// What a newcomer sees of `npm start`, as a process of its own: the first start's banner, last and uncluttered,
// and a second start on the same port, which must say so in one line and make nothing.

const instances = new Instances();
let dir: string;
let first: Instance;
const settings = (file: string) => ({ DATABASE_URL: `sqlite:${join(dir, file)}`, SECRET_PEPPER_FILE: join(dir, 'pepper') });

beforeAll(async () => {
  await buildIfNeeded();
  dir = mkdtempSync(join(tmpdir(), 'castellan-first-start-'));
  first = await instances.start('first', settings('first.sqlite'));
}, 120_000);
afterAll(async () => {
  await instances.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

test('the first start ends with the credentials, then where to go and what to do; no route map', async () => {
  const lines = first.output().trimEnd().split('\n');
  expect(first.output()).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader|successfully started/);
  const banner = lines.findIndex((line) => line.includes('Castellan: first start.'));
  expect(banner).toBeGreaterThanOrEqual(0);
  expect(lines.slice(banner)).toEqual([
    ' Castellan: first start. An account and its root account API key were created.',
    '',
    expect.stringMatching(/^ {3}account_id {3}[0-9a-f-]{36}$/),
    expect.stringMatching(/^ {3}api_key {6}\d{15}$/),
    expect.stringMatching(/^ {3}api_secret {3}cstla_\w+$/),
    expect.stringMatching(/^ {3}account_url {2}account:\/\//),
    '',
    ' The secret is shown this once and is not stored anywhere readable. Keep it now.',
    '='.repeat(78),
    `Castellan is listening on ${first.url}`,
    `   console    ${first.url}/console`,
    `   API docs   ${first.url}/docs`,
    " Next: sign in to the console with the api_key and api_secret above, or follow the README's walk-through with curl.",
  ]);
});

test('a second start on a busy port says so in one line, how to choose another, and makes nothing', async () => {
  const port = Number(new URL(first.url).port);
  const second = await instances.launch('second', settings('second.sqlite'), port);
  expect(await second.exited).toEqual({ code: 1, signal: null });
  expect(second.output()).toBe(
    `Port ${port} on 127.0.0.1 is already in use (another Castellan?). Choose another with PORT, e.g. PORT=3001 npm start\n`,
  );
  // Checked before anything else: not even the database file was made.
  expect(existsSync(join(dir, 'second.sqlite'))).toBe(false);
  expect((await first.http().get('/health')).status).toBe(200);
});

test('/ leads to the console, and /favicon.ico is an icon', async () => {
  const root = await first.http().get('/');
  expect([root.status, root.headers.location]).toEqual([302, '/console/']);
  const icon = await first.http().get('/favicon.ico');
  expect([icon.status, icon.headers['content-type']]).toEqual([200, 'image/x-icon']);
  expect((icon.body as Buffer).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
});

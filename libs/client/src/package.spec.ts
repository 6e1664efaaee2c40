import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPackedClient, packageDir, type PackedClient } from './packed-client.fixture.js';

// The package as `npm pack` makes it, installed where a service would have it: both module systems load, and
// it carries its build, its types and its README, with no dependency and none of the tests.

// What git sees under libs/client, ignored files included: packing must leave it as it was.
const checkoutState = () =>
  execFileSync('git', ['status', '--porcelain', '--ignored', '--untracked-files=all', '--', '.'], { cwd: packageDir, encoding: 'utf8' });
let before: string;
let packed: PackedClient;
beforeAll(() => {
  before = checkoutState();
  packed = installPackedClient();
}, 120_000);
afterAll(() => packed?.remove());

const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: packed.consumer, encoding: 'utf8' }).trim();

it('holds the build for both module systems, its types and its README, and nothing else', () => {
  const { files } = packed;
  expect(files).toEqual(
    expect.arrayContaining([
      'README.md',
      'package.json',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/esm/nestjs.js',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/package.json',
    ]),
  );
  const built = (f: string) => /^dist\/(esm|cjs)\/[a-z-]+\.(js|d\.ts|js\.map)$/.test(f) || f === 'dist/cjs/package.json';
  expect(files.filter((f) => !built(f))).toEqual(['README.md', 'package.json']);
  expect(files.some((f) => /spec|fixture/.test(f))).toBe(false);
  const manifest = JSON.parse(readFileSync(join(packed.installed, 'package.json'), 'utf8'));
  expect(manifest.dependencies).toBeUndefined();
});

it('packs without writing into the checkout', () => {
  expect(checkoutState()).toBe(before);
});

it('loads with import', () => {
  const script = `const c = await import('@castellan/client'); const n = await import('@castellan/client/nestjs');
    console.log(typeof c.createCastellanClient, typeof c.InvalidCredentialsError, typeof n.CastellanGuard, typeof n.RequireAction)`;
  expect(run(['--input-type=module', '-e', script])).toBe('function function function function');
});

it('loads with require', () => {
  const script = `const c = require('@castellan/client'); const client = c.createCastellanClient({ baseUrl: 'http://127.0.0.1:1' });
    console.log(typeof client.authorize, typeof client.express, typeof client.fastify, c.MAX_CACHE_TTL_MS)`;
  expect(run(['-e', script])).toBe('function function function 5000');
});

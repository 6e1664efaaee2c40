import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package as `npm pack` makes it, installed where a service would have it: both module systems load, and
// it carries its build, its types and its README, with no dependency and none of the tests.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repository, so that the Nest entry finds @nestjs/* as a Nest service's node_modules would give them.
const consumer = join(packageDir, '.pack-test');
const installed = join(consumer, 'node_modules', '@castellan', 'client');
let files: string[];

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'castellan-pack-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    files = packed.files.map((f: { path: string }) => f.path).sort();
    rmSync(consumer, { recursive: true, force: true });
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(out, packed.filename), '-C', installed, '--strip-components=1']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: consumer, encoding: 'utf8' }).trim();

it('holds the build for both module systems, its types and its README, and nothing else', () => {
  expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/nestjs.js', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json']));
  expect(files.filter((f) => !/^dist\/(esm|cjs)\/[a-z-]+\.(js|d\.ts|js\.map)$/.test(f) && f !== 'dist/cjs/package.json')).toEqual(['README.md', 'package.json']);
  expect(files.some((f) => /spec|fixture/.test(f))).toBe(false);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  expect(manifest.dependencies).toBeUndefined();
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

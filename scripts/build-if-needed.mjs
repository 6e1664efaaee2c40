// Rebuilds dist/ when it is missing or older than the sources, so `npm start`, `npm run cli` and
// `npm run migrate` always run current code. Build output goes to stderr: `npm run -s cli -- ... --json`
// must leave nothing but its own JSON on stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const outputs = ['dist/apps/api/src/main.js', 'dist/apps/cli/src/main.js', 'dist/console/index.html'];
const configs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function* sources(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|tsx|css|html)$/.test(entry.name) && !/\.(spec|test)\.tsx?$/.test(entry.name)) yield path;
  }
}

function isStale() {
  if (outputs.some((file) => !existsSync(join(root, file)))) return true;
  // A missing stamp counts as infinitely old. An image that ships dist/ without sources has no inputs,
  // so it is never stale and never needs tsc.
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -Infinity;
  const inputs = [
    ...configs.map((file) => join(root, file)).filter(existsSync),
    ...sources(join(root, 'apps')),
    ...sources(join(root, 'libs')),
    ...sources(join(root, 'examples')),
  ];
  return inputs.some((file) => statSync(file).mtimeMs > built);
}

function run(bin, args) {
  const result = spawnSync(join(root, 'node_modules', '.bin', bin), args, { cwd: root, stdio: ['inherit', 2, 2] });
  if (result.error) {
    console.error(`build-if-needed: cannot run ${bin}: ${result.error.message} (did you run npm ci?)`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (isStale()) {
  // Stamp with the start time, so a file saved while tsc was running still counts as newer next time.
  const startedAt = new Date();
  console.error('build-if-needed: dist/ is out of date, building...');
  run('tsc', ['-p', 'tsconfig.build.json']);
  run('tsc-alias', ['-p', 'tsconfig.build.json']);
  // The same steps as npm run build, console included.
  run('vite', ['build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'warn']);
  writeFileSync(stamp, '');
  utimesSync(stamp, startedAt, startedAt);
}

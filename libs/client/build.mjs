// Builds the package twice from one source: ES modules for `import`, CommonJS for `require`.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const here = new URL('.', import.meta.url).pathname;
// TypeScript is the repository's; the package itself needs nothing at run time.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const build = (...args) => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', ...args], { cwd: here, stdio: 'inherit' });

rmSync(new URL('dist', import.meta.url), { recursive: true, force: true });
build('--module', 'nodenext', '--moduleResolution', 'nodenext', '--outDir', 'dist/esm');
build('--module', 'commonjs', '--moduleResolution', 'node10', '--outDir', 'dist/cjs');
// package.json says "type": "module"; this marks the CommonJS half as what it is.
writeFileSync(new URL('dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');

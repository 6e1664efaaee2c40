import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** libs/client in the checkout. */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoModules = join(packageDir, '..', '..', 'node_modules');

export interface PackedClient {
  /** A service's directory with the tarball installed as `node_modules/@castellan/client`. */
  consumer: string;
  /** The installed package: `<consumer>/node_modules/@castellan/client`. */
  installed: string;
  /** The files `npm pack` put in the tarball. */
  files: string[];
  remove(): void;
}

/**
 * The package as `npm pack` makes it, installed where a service would have it. Everything happens in a
 * temporary directory: the build, the tarball and the install, so that nothing lands in the checkout and
 * concurrent runs do not rebuild each other's dist/.
 */
export function installPackedClient(): PackedClient {
  const root = mkdtempSync(join(tmpdir(), 'castellan-client-'));
  try {
    const source = join(root, 'source');
    for (const entry of ['package.json', 'build.mjs', 'tsconfig.json', 'README.md', 'src']) {
      cpSync(join(packageDir, entry), join(source, entry), { recursive: true });
    }
    // The build's TypeScript and @types/node are the repository's.
    symlinkSync(repoModules, join(source, 'node_modules'));
    const pack = ['pack', '--json', '--pack-destination', root];
    const [packed] = JSON.parse(execFileSync('npm', pack, { cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));

    const consumer = join(root, 'consumer');
    const installed = join(consumer, 'node_modules', '@castellan', 'client');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(root, packed.filename), '-C', installed, '--strip-components=1']);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'service', private: true, type: 'module' }));
    // What a Nest service's node_modules gives it (@nestjs/*, express, fastify, their types) beside the package;
    // @castellan stays the installed tarball, never a link back into the checkout.
    for (const name of readdirSync(repoModules).filter((name) => !name.startsWith('.') && name !== '@castellan')) {
      symlinkSync(join(repoModules, name), join(consumer, 'node_modules', name));
    }
    return {
      consumer,
      installed,
      files: packed.files.map((f: { path: string }) => f.path).sort(),
      remove: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded, describeRun, REPO_ROOT, run } from './support/cli.js';
import { Instance, Instances } from './support/instances.js';
import { servicesRequired, skipped } from './support/services.js';

// The README's walk-through, run as a newcomer runs it: its blocks in one bash, from the repository root, against a
// server started as `npm start` starts it. Every line the blocks print must be the `# →` line the README shows.

const DOCUMENTED_URL = 'http://127.0.0.1:3000';

/** The shell blocks between the walk-through markers, and the output lines they promise. */
function walkThrough(): { script: string; promised: string[] } {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = /<!-- walk-through -->\n([\s\S]*?)<!-- \/walk-through -->/.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no <!-- walk-through --> section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const script = blocks.join('\n');
  const promised = script.split('\n').flatMap((line) => (line.startsWith('# → ') ? [line.slice('# → '.length)] : []));
  return { script, promised };
}

const tools = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const suite = tools.length === 0 || servicesRequired() ? describe : skipped(import.meta.url, `${tools.join(', ')} not installed`);

const instances = new Instances();
let dir: string;
let server: Instance;
let settings: Record<string, string>;

suite('the walk-through', () => {
  beforeAll(async () => {
    await buildIfNeeded();
    dir = mkdtempSync(join(tmpdir(), 'castellan-walk-through-'));
    const database = process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'walk.sqlite')}`;
    settings = { DATABASE_URL: database, SECRET_PEPPER_FILE: join(dir, 'pepper') };
    server = await instances.start('walk-through', settings);
  }, 120_000);
  afterAll(async () => {
    await instances.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the README walk-through runs as written and prints what it promises', async () => {
    const { script, promised } = walkThrough();
    expect(promised.length).toBeGreaterThanOrEqual(8);
    expect(script).toContain(DOCUMENTED_URL);
    const result = await run('bash', ['-c', `set -euo pipefail\n${script.replaceAll(DOCUMENTED_URL, server.url)}`], settings, 120_000);
    if (result.code !== 0) throw new Error(`the walk-through failed: ${describeRun(result)}`);
    expect(result.stdout.trimEnd().split('\n')).toEqual(promised);
  }, 180_000);
});

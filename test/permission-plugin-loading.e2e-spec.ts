import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { ConfigError, loadConfig } from '@castellan/core';
import { expectVideoCatalogue } from './support/video-catalogue.js';
import { buildIfNeeded, cleanEnvironment, describeRun, REPO_ROOT, run } from './support/cli.js';
import { Exit, Instance, Instances, serving, stop } from './support/instances.js';
import { uniqueCloudName } from './support/harness.js';

// A third-party permission plugin loaded by the stock server through PERMISSION_PLUGINS, with no change to its code:
// the server runs as operators run it (`node dist/apps/api/src/main.js`, a process of its own) on the run's database
// (a new SQLite file, or the MySQL database in TEST_DATABASE_URL). The plugin is the example in
// examples/video-permissions-plugin, as compiled into dist/ and re-exported by test/support/plugins/video/index.js.

const PLUGINS = 'test/support/plugins';
const PEPPER = `plugin loading pepper ${randomUUID()}`;

const instances = new Instances();
let dir: string;
let settings: Record<string, string>;
let server: Instance;
let owner: { base: string; auth: [string, string] };

beforeAll(async () => {
  await buildIfNeeded();
  dir = mkdtempSync(join(tmpdir(), 'castellan-plugin-loading-'));
  settings = {
    DATABASE_URL: process.env.TEST_DATABASE_URL || `sqlite:${join(dir, 'castellan.sqlite')}`,
    SECRET_PEPPER: PEPPER,
    LOG_LEVEL: 'warn',
    // Empty is unset: a PERMISSION_PLUGINS in the shell that runs the tests must not reach the CLI.
    PERMISSION_PLUGINS: '',
  };
  // A relative path, as an operator in the repository would write it: the directory stands for its index.js.
  server = await instances.start('with the video plugin', { ...settings, PERMISSION_PLUGINS: `./${PLUGINS}/video` });
  const created = await run('node', ['dist/apps/cli/src/main.js', 'account', 'create', '--name', 'Plugin loading', '--json'], settings);
  expect({ code: created.code, run: describeRun(created) }).toEqual({ code: 0, run: expect.any(String) });
  const { account_id, api_key, api_secret } = JSON.parse(created.stdout);
  owner = { base: `/v1_1/provisioning/accounts/${account_id}`, auth: [api_key, api_secret] };
}, 180_000);
afterAll(async () => {
  await instances.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('a server started with PERMISSION_PLUGINS naming the example video plugin', () => {
  let env: { keys: string; auth: [string, string] };
  beforeAll(async () => {
    const body = { name: 'Videos', cloud_name: uniqueCloudName('plug') };
    const res = await server
      .http()
      .post(`${owner.base}/sub_accounts`)
      .auth(...owner.auth)
      .send(body);
    expect(res.status).toBe(200);
    const key = res.body.api_access_keys[0];
    env = { keys: `${owner.base}/sub_accounts/${res.body.id}/access_keys/${key.key}`, auth: [key.key, key.secret] };
  });

  test('started as usual, saying nothing of the plugin', () => {
    expect(server.output()).toContain(`Castellan is listening on ${server.url}`);
    expect(server.output()).not.toContain('PERMISSION_PLUGINS');
  });

  test("the catalogue lists the plugin after the built-in ones, with the example's actions and attributes", async () => {
    const res = await server
      .http()
      .get('/v1_1/permissions/catalog')
      .auth(...env.auth);
    expectVideoCatalogue(res);
  });

  test("a key's rule naming a plugin action, with a condition on its numeric attribute, decides as written", async () => {
    const rules = [{ effect: 'allow', actions: ['video:transcode'], conditions: { duration_seconds: { $lte: 600 } } }];
    const granted = await server
      .http()
      .put(`${env.keys}/permissions`)
      .auth(...owner.auth)
      .send({ rules });
    expect({ status: granted.status, rules: granted.body.rules }).toEqual({ status: 200, rules });
    const decide = async (action: string, resource: object) => {
      const res = await server
        .http()
        .post('/v1_1/authorize')
        .auth(...env.auth)
        .send({ action, resource });
      expect(res.status).toBe(200);
      return [res.body.allowed, res.body.reason];
    };
    expect(await decide('video:transcode', { duration_seconds: 300 })).toEqual([true, 'ALLOWED']);
    expect(await decide('video:transcode', { duration_seconds: 3600 })).toEqual([false, 'NO_MATCHING_RULE']);
    expect(await decide('video:concat', { duration_seconds: 300 })).toEqual([false, 'NO_MATCHING_RULE']);
  });

  test('an action the plugin does not declare is still refused', async () => {
    const rules = [{ effect: 'allow', actions: ['video:render'] }];
    const res = await server
      .http()
      .put(`${env.keys}/permissions`)
      .auth(...owner.auth)
      .send({ rules });
    expect({ status: res.status, message: res.body.error?.message }).toEqual({
      status: 400,
      message: 'rules[0].actions[0]: unknown action "video:render"',
    });
  });
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

describe('a plugin installed as a package next to the deployment', () => {
  test("is found by its name in node_modules of the server's working directory, which is not Castellan's", async () => {
    const deployment = join(dir, 'deployment');
    const installed = join(deployment, 'node_modules', '@acme', 'castellan-video');
    mkdirSync(installed, { recursive: true });
    writeFileSync(
      join(installed, 'package.json'),
      JSON.stringify({ name: '@acme/castellan-video', type: 'module', exports: './index.js' }),
    );
    const example = pathToFileURL(resolve(REPO_ROOT, PLUGINS, 'video', 'index.js')).href;
    writeFileSync(join(installed, 'index.js'), `export { default } from ${JSON.stringify(example)};\n`);

    const port = await freePort();
    const env = { ...settings, CONSOLE_DIR: resolve(REPO_ROOT, 'dist/console'), PERMISSION_PLUGINS: '@acme/castellan-video' };
    const child = spawn(process.execPath, [resolve(REPO_ROOT, 'dist/apps/api/src/main.js')], {
      cwd: deployment,
      env: cleanEnvironment({ ...env, HOST: '127.0.0.1', PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const url = `http://127.0.0.1:${port}`;
    const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as Exit);
    const deployed: Instance = { name: 'deployed elsewhere', url, child, exited, output: () => output, http: () => request(url) };
    try {
      await serving(deployed);
      const catalog = await deployed
        .http()
        .get('/v1_1/permissions/catalog')
        .auth(...owner.auth);
      expect(catalog.body.plugins.map((p: { name: string }) => p.name)).toEqual(['provisioning', 'upload', 'admin', 'video']);
    } finally {
      await stop(deployed);
    }
  });
});

describe('a start refused for its plugins: exit 1, one line on stderr, before the port or the database is touched', () => {
  /** Runs the server with this PERMISSION_PLUGINS on a database file of its own, which must never be made. */
  async function refusedStart(plugins: string): Promise<{ stderr: string }> {
    const database = join(dir, `${randomUUID()}.sqlite`);
    const result = await run('node', ['dist/apps/api/src/main.js'], {
      ...settings,
      DATABASE_URL: `sqlite:${database}`,
      HOST: '127.0.0.1',
      PORT: '0',
      PERMISSION_PLUGINS: plugins,
    });
    const outcome = { code: result.code, stdout: result.stdout, run: describeRun(result) };
    expect(outcome).toEqual({ code: 1, stdout: '', run: expect.any(String) });
    expect(existsSync(database)).toBe(false);
    return result;
  }

  const prefix = 'Invalid configuration: PERMISSION_PLUGINS: ';
  /** What the server says of the module at `path` (in test/support/plugins), as the absolute path it was made. */
  const about = (path: string, problem: string) => `${prefix}"${resolve(REPO_ROOT, PLUGINS, path)}" ${problem}\n`;
  const INVALID_TYPE = 'actions[0] ("transcode").attributes[0].type must be one of string, number, boolean, string[], not "int"';
  const NOT_INSTALLED = `no such package in node_modules of ${REPO_ROOT} or above it (install it there, or name its file by path)`;

  test.each([
    ['an empty entry', `./${PLUGINS}/video,,other`, `${prefix}entry 2 is empty; separate module specifiers with single commas\n`],
    [
      'a URL',
      'https://plugins.example/video.js',
      `${prefix}entry 1 ("https://plugins.example/video.js") is not a package name, an absolute path, a path starting with ./ or ../, ` +
        'or a file: URL\n',
    ],
    ['a file that is not there', `./${PLUGINS}/absent.js`, about('absent.js', 'is not there: no such file or directory')],
    [
      'a package that is not installed',
      'castellan-plugin-nowhere',
      `${prefix}"castellan-plugin-nowhere" is not installed: ${NOT_INSTALLED}\n`,
    ],
    [
      'a module without a plugin export (the example as it is)',
      `./${PLUGINS}/no-export.js`,
      about('no-export.js', 'exports no plugin: expected a default export or an export named "plugin"; it exports videoPlugin'),
    ],
    ['an invalid plugin', `./${PLUGINS}/invalid.js`, about('invalid.js', `is not a valid plugin: ${INVALID_TYPE}`)],
    [
      "a plugin with a built-in plugin's name",
      `./${PLUGINS}/upload-again.js`,
      about(
        'upload-again.js',
        'cannot be registered: Permission plugin "upload" is registered twice; "upload" is the name of a built-in plugin',
      ),
    ],
    [
      'the same plugin twice, by two paths',
      `./${PLUGINS}/video,./${PLUGINS}/video/index.js`,
      about(
        'video/index.js',
        'cannot be registered: Permission plugin "video" is registered twice; ' +
          `"video" is the name of the plugin of "${resolve(REPO_ROOT, PLUGINS, 'video')}"`,
      ),
    ],
  ])('%s', async (_, plugins, stderr) => {
    expect((await refusedStart(plugins)).stderr).toBe(stderr);
  });

  test('a module that is not JavaScript', async () => {
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export default {\n');
    expect((await refusedStart(broken)).stderr).toBe(`${prefix}"${broken}" failed to load: SyntaxError: Unexpected end of input\n`);
  });

  test('CommonJS in a .js file where package.json says "type": "module" (as under the image\'s /app): Node\'s advice', async () => {
    const plugin = join(dir, 'esm-scope', 'index.js');
    mkdirSync(join(dir, 'esm-scope'));
    writeFileSync(join(dir, 'esm-scope', 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(plugin, 'module.exports = {};\n');
    // Node's wording, in full: its advice is on the lines after the first.
    const { stderr } = await refusedStart(plugin);
    expect(stderr).toMatch(
      new RegExp(`^${prefix}"${plugin}" failed to load: ReferenceError: module is not defined in ES module scope [^\\n]*\\n$`),
    );
    expect(stderr).toContain("rename it to use the '.cjs' file extension");
  });

  test('one good plugin and one bad: nothing starts with part of its plugins', async () => {
    expect((await refusedStart(`./${PLUGINS}/video,./${PLUGINS}/invalid.js`)).stderr).toContain('invalid.js" is not a valid plugin');
  });
});

describe('PERMISSION_PLUGINS in the configuration', () => {
  const pluginsOf = (value?: string) => loadConfig({ SECRET_PEPPER: PEPPER, PERMISSION_PLUGINS: value }).permissionPlugins;
  const refusalOf = (value: string) => {
    try {
      pluginsOf(value);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  };

  test.each([undefined, '', '  '])('%j: none', (value) => {
    expect(pluginsOf(value)).toEqual([]);
  });

  test('package names kept as they are, paths and file: URLs made absolute (relative ones against the working directory)', () => {
    const value = 'castellan-video, @acme/castellan-video/plugin ,/opt/p/index.js,file:///opt/q.mjs,./plugins/r.js,../s.cjs';
    expect(pluginsOf(value)).toEqual([
      'castellan-video',
      '@acme/castellan-video/plugin',
      '/opt/p/index.js',
      '/opt/q.mjs',
      resolve('plugins/r.js'),
      resolve('../s.cjs'),
    ]);
  });

  test.each([
    ['a,', 'entry 2 is empty; separate module specifiers with single commas'],
    ['a;b', 'entry 1 ("a;b") is not a package name, an absolute path, a path starting with ./ or ../, or a file: URL'],
    ['node:fs', 'entry 1 ("node:fs") is not a package name'],
    ['@acme', 'entry 1 ("@acme") is not a package name'],
    ['.hidden/x.js', 'entry 1 (".hidden/x.js") is not a package name'],
    ['file://elsewhere/x.js', 'entry 1 ("file://elsewhere/x.js") is not a package name'],
    ['castellan-video,castellan-video', 'entry 2 ("castellan-video") is listed twice'],
    ['/opt/p.js,file:///opt/p.js', 'entry 2 ("file:///opt/p.js") is listed twice'],
  ])('%j is refused', (value, message) => {
    expect(refusalOf(value)).toContain(`Invalid configuration: PERMISSION_PLUGINS: ${message}`);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@castellan/core';
import { videoPlugin } from '../../../examples/video-permissions-plugin/video.plugin.js';
import type { PermissionPlugin } from './permission-plugin.js';
import { loadPermissionPlugins } from './plugin-loader.js';
import { adminPlugin } from './plugins/admin.plugin.js';
import { provisioningPlugin } from './plugins/provisioning.plugin.js';
import { uploadPlugin } from './plugins/upload.plugin.js';

// Plugin modules are written as files into a directory of their own, as an operator would install them, and
// imported for real: the loader's resolution is part of what is tested.

const BUILT_IN = [provisioningPlugin, uploadPlugin, adminPlugin];

let dir: string;
/** A module at `path` under the test directory; its absolute path. */
function file(path: string, text: string): string {
  const absolute = join(dir, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, text);
  return absolute;
}
let counter = 0;
/** A new ES module exporting `body`; a new name each time, as imports are cached per URL. */
const esm = (body: string): string => file(`m${++counter}.mjs`, body);
const defaultExport = (plugin: unknown): string => esm(`export default ${JSON.stringify(plugin)};`);

const sample = (name = 'video'): PermissionPlugin => ({
  name,
  title: 'Sample',
  description: 'A sample plugin',
  actions: [
    { name: 'transcode', description: 'Transcode', attributes: [{ name: 'duration_seconds', type: 'number', description: 'Seconds' }] },
  ],
});

const load = (specifiers: string[], builtIn: PermissionPlugin[] = BUILT_IN) => loadPermissionPlugins(specifiers, builtIn, { cwd: dir });

/** The message of the ConfigError a load fails with. */
async function refusal(specifiers: string[], builtIn?: PermissionPlugin[]): Promise<string> {
  const error = await load(specifiers, builtIn).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'castellan-plugin-loader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadPermissionPlugins: what loads', () => {
  test('no modules: the built-in plugins alone, in a new array', async () => {
    const plugins = await load([]);
    expect(plugins).toEqual(BUILT_IN);
    expect(plugins).not.toBe(BUILT_IN);
  });

  test('the example video plugin as a default export, after the built-in ones', async () => {
    expect(await load([defaultExport(videoPlugin)])).toEqual([...BUILT_IN, videoPlugin]);
  });

  test('the built-in plugins themselves pass every check the loader makes', async () => {
    expect(await load(BUILT_IN.map(defaultExport), [])).toEqual(BUILT_IN);
  });

  test('an export named plugin is taken before the default export', async () => {
    const module = esm(`export const plugin = ${JSON.stringify(sample('named'))};\nexport default ${JSON.stringify(sample('fallback'))};`);
    expect((await load([module])).at(-1)!.name).toBe('named');
  });

  test("a CommonJS module's module.exports, and its exports.plugin", async () => {
    const whole = file('whole.cjs', `module.exports = ${JSON.stringify(sample('whole'))};`);
    const named = file('named.cjs', `exports.plugin = ${JSON.stringify(sample('named_cjs'))};`);
    expect((await load([whole, named])).slice(-2).map((p) => p.name)).toEqual(['whole', 'named_cjs']);
  });

  test('several modules, in the order given', async () => {
    const plugins = await load([defaultExport(sample('first')), defaultExport(sample('second'))]);
    expect(plugins.map((p) => p.name)).toEqual(['provisioning', 'upload', 'admin', 'first', 'second']);
  });

  test('a file: URL, and a path relative to the working directory', async () => {
    const byUrl = pathToFileURL(defaultExport(sample('by_url'))).href;
    file('relative/plugin.mjs', `export default ${JSON.stringify(sample('relative'))};`);
    expect((await load([byUrl, './relative/plugin.mjs'])).slice(-2).map((p) => p.name)).toEqual(['by_url', 'relative']);
  });

  test('a directory: its package.json main, else its index.js', async () => {
    file('with-main/package.json', JSON.stringify({ type: 'module', main: 'lib/entry.js' }));
    file('with-main/lib/entry.js', `export default ${JSON.stringify(sample('with_main'))};`);
    file('with-index/package.json', JSON.stringify({ type: 'module' }));
    file('with-index/index.js', `export default ${JSON.stringify(sample('with_index'))};`);
    const plugins = await load([join(dir, 'with-main'), join(dir, 'with-index')]);
    expect(plugins.slice(-2).map((p) => p.name)).toEqual(['with_main', 'with_index']);
  });

  test("a package name, found in node_modules of the working directory (or above), through its package.json's exports", async () => {
    file(
      'node_modules/@acme/castellan-video/package.json',
      JSON.stringify({ name: '@acme/castellan-video', type: 'module', exports: './plugin.js' }),
    );
    file('node_modules/@acme/castellan-video/plugin.js', `export const plugin = ${JSON.stringify(sample('acme'))};`);
    mkdirSync(join(dir, 'deeper'), { recursive: true });
    const fromBelow = await loadPermissionPlugins(['@acme/castellan-video'], BUILT_IN, { cwd: join(dir, 'deeper') });
    expect(fromBelow.at(-1)!.name).toBe('acme');
  });
});

describe('loadPermissionPlugins: what is refused, naming the setting, the module and what is wrong', () => {
  test('a file that is not there', async () => {
    const missing = join(dir, 'absent.js');
    expect(await refusal([missing])).toBe(
      `Invalid configuration: PERMISSION_PLUGINS: "${missing}" is not there: no such file or directory`,
    );
  });

  test('a package that is not installed', async () => {
    expect(await refusal(['castellan-no-such-plugin'])).toBe(
      `Invalid configuration: PERMISSION_PLUGINS: "castellan-no-such-plugin" is not installed: no such package in node_modules of ${dir} ` +
        'or above it (install it there, or name its file by path)',
    );
  });

  test('a path without ./ reads as a package name: says how to name the file it evidently meant', async () => {
    file('local/plugin.js', 'export default {};');
    expect(await refusal(['local/plugin.js'])).toMatch(
      new RegExp(`"local/plugin.js" is not installed: .*; for the file ${join(dir, 'local/plugin.js')}, write ./local/plugin.js$`),
    );
  });

  test('a package whose main file is missing is not called "not installed"', async () => {
    file('node_modules/broken-main/package.json', JSON.stringify({ name: 'broken-main', main: 'gone.js' }));
    expect(await refusal(['broken-main'])).toMatch(/^Invalid configuration: PERMISSION_PLUGINS: "broken-main" cannot be resolved: /);
  });

  test.each([
    ['a module of Node.js itself', 'node:fs', 'is a module of Node.js itself, not a plugin'],
    ['a file: URL naming another machine', 'file://elsewhere/plugin.js', 'is not a file: URL of this machine: '],
  ])('%s', async (_, specifier, problem) => {
    expect(await refusal([specifier])).toContain(`PERMISSION_PLUGINS: "${specifier}" ${problem}`);
  });

  test('a directory with nothing to load', async () => {
    mkdirSync(join(dir, 'empty-dir'));
    expect(await refusal([join(dir, 'empty-dir')])).toMatch(/" is a directory with neither a package.json "main" nor an index.js$/);
  });

  // A module that does not parse is in test/permission-plugin-loading.e2e-spec.ts: Jest's VM modules crash on it.
  test.each([
    ['throws as it loads', 'throw new Error("no licence key");', 'failed to load: no licence key'],
    ['imports a package that is not there', 'import "castellan-no-such-dependency"; export default {};', 'failed to load: '],
  ])('a module that %s', async (_, body, problem) => {
    const module = esm(body);
    expect(await refusal([module])).toContain(`"${module}" ${problem}`);
  });

  test("a plugin's own error: its lines joined, and cut when long", async () => {
    const module = esm(`throw new RangeError('first line\\n\\nsecond line ${'x'.repeat(600)}');`);
    const message = await refusal([module]);
    expect(message).toMatch(new RegExp(`"${module}" failed to load: RangeError: first line second line x+…$`));
    expect(message.length).toBeLessThan(500 + module.length + 100);
  });

  test('a module without a default export or an export named plugin: says what it exports (in ES order: by name)', async () => {
    const module = esm(`export const videoPlugin = ${JSON.stringify(sample())}; export const version = 1;`);
    expect(await refusal([module])).toBe(
      `Invalid configuration: PERMISSION_PLUGINS: "${module}" exports no plugin: expected a default export or an export named "plugin"; ` +
        'it exports version, videoPlugin',
    );
    expect(await refusal([esm('')])).toMatch(/it exports nothing$/);
  });

  const action = sample().actions[0]!;
  const attribute = action.attributes[0]!;
  const withAction = (change: object) => ({ ...sample(), actions: [{ ...action, ...change }] });
  const withAttribute = (change: object) => withAction({ attributes: [{ ...attribute, ...change }] });
  test.each<[string, unknown, string]>([
    ['a function', '() => ({})', 'the plugin must be an object, not a function'],
    ['an array of plugins', [sample()], 'the plugin must be an object, not an array'],
    ['no name', { ...sample(), name: undefined }, 'name must be a non-empty string, not missing'],
    ['an empty title', { ...sample(), title: ' ' }, 'title must be a non-empty string, not " "'],
    ['a numeric description', { ...sample(), description: 7 }, 'description must be a non-empty string, not number 7'],
    ['no actions', { ...sample(), actions: [] }, 'actions must be a non-empty array, not an array'],
    ['actions as an object', { ...sample(), actions: { transcode: action } }, 'actions must be a non-empty array, not an object'],
    ['an action that is a string', { ...sample(), actions: ['transcode'] }, 'actions[0] must be an object, not "transcode"'],
    [
      'an action without a description',
      withAction({ description: '' }),
      'actions[0] ("transcode").description must be a non-empty string, not ""',
    ],
    [
      'an action without attributes',
      withAction({ attributes: undefined }),
      'actions[0] ("transcode").attributes must be an array (maybe empty), not missing',
    ],
    [
      'an unknown scope',
      withAction({ scope: 'global' }),
      'actions[0] ("transcode").scope must be environment or account (or absent), not "global"',
    ],
    [
      'an attribute type the engine lacks',
      withAttribute({ type: 'int' }),
      'actions[0] ("transcode").attributes[0].type must be one of string, number, boolean, string[], not "int"',
    ],
    [
      'an attribute name a condition cannot use',
      withAttribute({ name: 'video.duration' }),
      'attributes[0].name must match /^[a-z_]+$/, not "video.duration"',
    ],
    ['an operator as an attribute name', withAttribute({ name: '$where' }), 'attributes[0].name must match /^[a-z_]+$/, not "$where"'],
    [
      'an attribute without a description',
      withAttribute({ description: undefined }),
      'attributes[0].description must be a non-empty string, not missing',
    ],
    [
      'an attribute declared twice',
      withAction({ attributes: [attribute, { ...attribute, type: 'string' }] }),
      'attributes[1]: "duration_seconds" is declared twice',
    ],
  ])('a plugin that is %s', async (_, plugin, problem) => {
    const module = typeof plugin === 'string' ? esm(`export default ${plugin};`) : defaultExport(plugin);
    const message = await refusal([module]);
    expect(message).toContain(`Invalid configuration: PERMISSION_PLUGINS: "${module}" is not a valid plugin: `);
    expect(message).toContain(problem);
  });

  // These are the catalogue's own checks, reached through it rather than copied.
  test.each<[string, PermissionPlugin, string]>([
    ['a name in capitals', sample('Video'), 'Permission plugin name "Video" must match'],
    [
      'an action name with a colon',
      { ...sample(), actions: [{ ...sample().actions[0]!, name: 'video:transcode' }] },
      'Action "video:video:transcode" must match',
    ],
    [
      'an action declared twice',
      { ...sample(), actions: [sample().actions[0]!, sample().actions[0]!] },
      'Action "video:transcode" is declared twice',
    ],
  ])('a plugin with %s: the catalogue refuses it', async (_, plugin, problem) => {
    const module = defaultExport(plugin);
    expect(await refusal([module])).toContain(`"${module}" cannot be registered: ${problem}`);
  });

  test('the name of a built-in plugin', async () => {
    const module = defaultExport(sample('upload'));
    expect(await refusal([module])).toBe(
      `Invalid configuration: PERMISSION_PLUGINS: "${module}" cannot be registered: Permission plugin "upload" is registered twice; ` +
        '"upload" is the name of a built-in plugin',
    );
  });

  test('the name of a plugin loaded before it: names the other module too', async () => {
    const [first, second] = [defaultExport(sample()), defaultExport(sample())];
    expect(await refusal([first, second])).toBe(
      `Invalid configuration: PERMISSION_PLUGINS: "${second}" cannot be registered: Permission plugin "video" is registered twice; ` +
        `"video" is the name of the plugin of "${first}"`,
    );
  });

  test('one bad module fails the whole load: no server runs with part of its plugins', async () => {
    const good = defaultExport(sample('good'));
    expect(await refusal([good, join(dir, 'absent.js')])).toContain('absent.js" is not there');
  });
});

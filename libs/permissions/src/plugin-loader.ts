import { existsSync, realpathSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '@castellan/core';
import { PermissionCatalog } from './catalog.js';
import type { ActionScope, AttributeType, PermissionPlugin } from './permission-plugin.js';

/** Records rather than lists, so that a type added to the contract does not compile until it is added here too. */
const ATTRIBUTE_TYPES: Record<AttributeType, true> = { string: true, number: true, boolean: true, 'string[]': true };
const SCOPES: Record<ActionScope, true> = { environment: true, account: true };
/** As the built-in catalogues name them: a condition names an attribute, and `.` or `$` would mean something else there. */
const ATTRIBUTE_NAME = /^[a-z_]+$/;
/** A plugin's own error is quoted in a one-line refusal; its length is the plugin's to choose. */
const MAX_SUMMARY = 500;

export interface LoadPermissionPluginsOptions {
  /** Where relative paths and package names are resolved from; the process's working directory by default. */
  cwd?: string;
}

/** One thing wrong with one module, said once, after the setting and the module it names. */
class PluginProblem extends Error {}

/**
 * Imports the permission plugins that PERMISSION_PLUGINS names and returns `builtIn` followed by them, in the
 * order given, each checked as the catalogue will need it: the built-ins always load, and a server never starts
 * with part of its plugins. Anything wrong is a ConfigError naming the setting, the module and what is wrong.
 *
 * Each module is a package name (resolved as `require.resolve` would from `cwd`, so that a plugin installed next to
 * the deployment is found), an absolute path or file: URL, or a path relative to `cwd`; a directory stands for its
 * package.json's `main` or its index.js. Its plugin is its export named `plugin` if it has one, else its default
 * export (a CommonJS module's `module.exports`), and must be a plain object as PermissionPlugin describes.
 *
 * `builtIn` is a parameter rather than BUILTIN_PLUGINS itself, which index.ts defines and this file must not import.
 */
export async function loadPermissionPlugins(
  specifiers: readonly string[],
  builtIn: readonly PermissionPlugin[],
  options: LoadPermissionPluginsOptions = {},
): Promise<PermissionPlugin[]> {
  const cwd = options.cwd ?? process.cwd();
  const plugins = [...builtIn];
  const holders = new Map(builtIn.map((plugin) => [plugin.name, 'a built-in plugin']));
  for (const specifier of specifiers) {
    try {
      const plugin = pluginOf(await importModule(specifier, cwd));
      register(plugins, plugin, holders);
      holders.set(plugin.name, `the plugin of "${specifier}"`);
    } catch (error) {
      if (error instanceof PluginProblem)
        throw new ConfigError(`Invalid configuration: PERMISSION_PLUGINS: "${specifier}" ${error.message}`);
      throw error;
    }
  }
  return plugins;
}

async function importModule(specifier: string, cwd: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(entryFile(specifier, cwd)).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginProblem(`failed to load: ${summary(error)}`);
  }
}

/** The file to import: found here rather than by import(), which resolves packages from this file, not from `cwd`. */
function entryFile(specifier: string, cwd: string): string {
  if (specifier.startsWith('file:')) return existingFile(filePath(specifier));
  if (isAbsolute(specifier) || /^\.\.?\//.test(specifier)) return existingFile(resolve(cwd, specifier));
  if (isBuiltin(specifier)) throw new PluginProblem('is a module of Node.js itself, not a plugin');
  const require = createRequire(join(cwd, 'noop.js'));
  try {
    return require.resolve(specifier);
  } catch (error) {
    // Looked up rather than read from the error, whose code also says that an installed package's "main" is missing.
    const name = specifier
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/');
    const directory = (require.resolve.paths(name) ?? []).map((modules) => join(modules, name)).find((path) => existsSync(path));
    if (!directory) {
      // `plugins/x.js` reads as a package named plugins: say so when the operator evidently meant a file.
      const meant = existsSync(resolve(cwd, specifier)) ? `; for the file ${resolve(cwd, specifier)}, write ./${specifier}` : '';
      throw new PluginProblem(
        `is not installed: no such package in node_modules of ${cwd} or above it (install it there, or name its file by path)${meant}`,
      );
    }
    if ((error as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      const entry = esmEntry(specifier, directory);
      if (entry) return entry;
      throw new PluginProblem(
        'exports no entry for require.resolve (its package.json "exports" offers only "import"?); name its file by path',
      );
    }
    throw new PluginProblem(`cannot be resolved: ${summary(error)}`);
  }
}

/**
 * A package that exports only under the "import" condition, as Node's ES resolution finds it. That resolves only from
 * this file, so its answer is taken only when it is the very package found from `cwd`: as it is in the image and in a
 * checkout, where the working directory's node_modules is also Castellan's.
 */
function esmEntry(specifier: string, directory: string): string | undefined {
  try {
    const entry = fileURLToPath(import.meta.resolve(specifier));
    return entry.startsWith(realpathSync(directory) + sep) ? entry : undefined;
  } catch {
    // Not resolvable from here, or no import.meta.resolve (a test runner's module sandbox).
    return undefined;
  }
}

function filePath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new PluginProblem(`is not a file: URL of this machine: ${summary(error)}`);
  }
}

function existingFile(path: string): string {
  if (!existsSync(path)) throw new PluginProblem('is not there: no such file or directory');
  if (!statSync(path).isDirectory()) return path;
  try {
    // A directory as require() takes one: its package.json's "main", else its index.js.
    return createRequire(join(path, 'noop.js')).resolve(path);
  } catch {
    throw new PluginProblem('is a directory with neither a package.json "main" nor an index.js');
  }
}

function pluginOf(module: Record<string, unknown>): PermissionPlugin {
  const exported = 'plugin' in module ? module.plugin : module.default;
  if (exported === undefined) {
    const names = Object.keys(module);
    throw new PluginProblem(
      `exports no plugin: expected a default export or an export named "plugin"; it exports ${names.length ? names.join(', ') : 'nothing'}`,
    );
  }
  const problem = pluginProblem(exported);
  if (problem) throw new PluginProblem(`is not a valid plugin: ${problem}`);
  return exported as PermissionPlugin;
}

/** What the catalogue does not check itself; it checks the name's form, the action names' and their uniqueness. */
function pluginProblem(plugin: unknown): string | undefined {
  if (!isRecord(plugin)) return `the plugin must be an object, not ${describe(plugin)}`;
  for (const field of ['name', 'title', 'description']) {
    if (!isText(plugin[field])) return `${field} must be a non-empty string, not ${describe(plugin[field])}`;
  }
  if (!Array.isArray(plugin.actions) || plugin.actions.length === 0)
    return `actions must be a non-empty array, not ${describe(plugin.actions)}`;
  for (const [i, action] of (plugin.actions as unknown[]).entries()) {
    const problem = actionProblem(action);
    if (problem) return `actions[${i}]${isRecord(action) && isText(action.name) ? ` ("${action.name}")` : ''}${problem}`;
  }
  return undefined;
}

function actionProblem(action: unknown): string | undefined {
  if (!isRecord(action)) return ` must be an object, not ${describe(action)}`;
  if (!isText(action.name)) return `.name must be a non-empty string, not ${describe(action.name)}`;
  if (!isText(action.description)) return `.description must be a non-empty string, not ${describe(action.description)}`;
  if (action.scope !== undefined && !(typeof action.scope === 'string' && Object.hasOwn(SCOPES, action.scope))) {
    return `.scope must be ${Object.keys(SCOPES).join(' or ')} (or absent), not ${describe(action.scope)}`;
  }
  if (!Array.isArray(action.attributes)) return `.attributes must be an array (maybe empty), not ${describe(action.attributes)}`;
  const seen = new Set<string>();
  for (const [i, attribute] of (action.attributes as unknown[]).entries()) {
    const problem = attributeProblem(attribute);
    if (problem) return `.attributes[${i}]${problem}`;
    const name = (attribute as { name: string }).name;
    if (seen.has(name)) return `.attributes[${i}]: "${name}" is declared twice`;
    seen.add(name);
  }
  return undefined;
}

function attributeProblem(attribute: unknown): string | undefined {
  if (!isRecord(attribute)) return ` must be an object, not ${describe(attribute)}`;
  if (typeof attribute.name !== 'string' || !ATTRIBUTE_NAME.test(attribute.name)) {
    return `.name must match ${ATTRIBUTE_NAME}, not ${describe(attribute.name)}`;
  }
  if (!(typeof attribute.type === 'string' && Object.hasOwn(ATTRIBUTE_TYPES, attribute.type))) {
    return `.type must be one of ${Object.keys(ATTRIBUTE_TYPES).join(', ')}, not ${describe(attribute.type)}`;
  }
  if (!isText(attribute.description)) return `.description must be a non-empty string, not ${describe(attribute.description)}`;
  return undefined;
}

/** The catalogue's own checks, on the list the plugin would join, so that what passes here registers at start. */
function register(plugins: PermissionPlugin[], plugin: PermissionPlugin, holders: Map<string, string>): void {
  try {
    new PermissionCatalog([...plugins, plugin]);
  } catch (error) {
    const holder = holders.get(plugin.name);
    throw new PluginProblem(`cannot be registered: ${summary(error)}${holder ? `; "${plugin.name}" is the name of ${holder}` : ''}`);
  }
  plugins.push(plugin);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}

/** Duck-typed: an error from another realm (a VM context, a test runner's sandbox) is no instanceof Error here. */
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as Error).message === 'string'
    ? (error as Error).message
    : String(error);
}

/** Node's own words, lines joined, without the require stack that follows them in its module errors. */
function summary(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as Error).name : undefined;
  const lines = `${name && name !== 'Error' ? `${name}: ` : ''}${messageOf(error)}`.split('\n');
  const stack = lines.findIndex((line) => line.startsWith('Require stack'));
  const text = lines
    .slice(0, stack < 0 ? undefined : stack)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

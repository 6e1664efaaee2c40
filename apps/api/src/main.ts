import 'reflect-metadata';
import { createServer } from 'node:net';
import { AccountService, CreatedAccount, credentialLines } from '@castellan/accounts';
import { AppConfig, ConfigError, loadConfig } from '@castellan/core';
import { BUILTIN_PLUGINS, loadPermissionPlugins, PermissionPlugin } from '@castellan/permissions';
import { createApp } from './create-app.js';

const RULE = '='.repeat(78);

/** Shown once on the first start, as Rancher shows its bootstrap password; written to stdout, never to the log. */
function firstAccountLines(created: CreatedAccount): string[] {
  return [
    RULE,
    ' Castellan: first start. An account and its root account API key were created.',
    '',
    ...credentialLines(created),
    '',
    ' The secret is shown this once and is not stored anywhere readable. Keep it now.',
    RULE,
  ];
}

/** The last thing a start prints, so that it is what a newcomer sees: where to go, and what to do there. */
function bannerLines(config: AppConfig, firstStart: boolean): string[] {
  const url = config.publicUrl;
  return [
    `Castellan is listening on ${url}`,
    `   console    ${url}/console`,
    `   API docs   ${url}/docs`,
    firstStart
      ? " Next: sign in to the console with the api_key and api_secret above, or follow the README's walk-through with curl."
      : ' Next: sign in to the console with an account API key. Lost every secret? `npm run -s cli -- key rotate --api-key KEY`.',
  ];
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** One line saying what to change, for the ways listening fails that are the operator's to fix. */
function cannotListen(error: unknown, { host, port }: AppConfig): string | undefined {
  const otherPort = 'Choose another with PORT, e.g. PORT=3001 npm start';
  switch ((error as { code?: string }).code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${host} is already in use (another Castellan?). ${otherPort}`;
    case 'EACCES':
      return `Not allowed to listen on port ${port} on ${host}. ${otherPort}`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine. Choose another with HOST, e.g. HOST=127.0.0.1`;
  }
}

/** Before anything is migrated or made: a busy port is the commonest failure of a second start. */
async function checkPort(config: AppConfig): Promise<void> {
  const probe = createServer();
  const error = await new Promise<unknown>((resolve) => {
    probe.once('error', resolve);
    probe.listen(config.port, config.host, () => probe.close(() => resolve(undefined)));
  });
  const line = error ? cannotListen(error, config) : undefined;
  if (line) fail(line);
}

async function main(): Promise<void> {
  let config: AppConfig;
  let plugins: PermissionPlugin[];
  try {
    config = loadConfig(process.env);
    // Before the port and the database: a plugin that cannot load is a configuration error like any other.
    plugins = await loadPermissionPlugins(config.permissionPlugins, BUILTIN_PLUGINS);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  await checkPort(config);
  const app = await createApp(config, plugins);
  app.enableShutdownHooks();
  // Listening comes before the first account: a start that cannot serve must not make (and print) credentials.
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    const line = cannotListen(error, config);
    if (line) fail(line);
    throw error;
  }
  const created = await app.get(AccountService).bootstrap();
  process.stdout.write([...(created ? firstAccountLines(created) : []), ...bannerLines(config, Boolean(created)), ''].join('\n'));
}

void main();

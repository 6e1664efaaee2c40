import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { KeyRecoveryService, MAX_GRACE_SECONDS, RecoveredKeyDto } from '@castellan/access-keys';
import { AccountDto, AccountService, CreatedAccount, credentialLines } from '@castellan/accounts';
import { AppError, ConfigError, createValidationPipe, loadConfig } from '@castellan/core';
import { CreateUserDto, UserService } from '@castellan/people';
import { prepareDatabase } from '@castellan/database';
import { BUILTIN_PLUGINS, loadPermissionPlugins } from '@castellan/permissions';
import { PlatformModule } from '@castellan/platform';
import { SCAN_EXIT, scanCommand } from './scan.command.js';
import { printable } from './printable.js';

type Context = { app: INestApplicationContext; accounts: AccountService; keys: KeyRecoveryService; dataSource: DataSource };

/**
 * Opens the database with the same configuration and the same modules as the server (without HTTP: the CLI acts
 * through the services, never around them), migrates it, runs one command, closes.
 */
async function withContext<T>(work: (ctx: Context) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  // The server's plugins too: a key's rules may name their actions, and are checked here as the server checks them.
  const plugins = await loadPermissionPlugins(config.permissionPlugins, BUILTIN_PLUGINS);
  const app = await NestFactory.createApplicationContext(PlatformModule.forRoot(config, plugins), { logger: ['error'] });
  try {
    await prepareDatabase(app);
    return await work({ app, accounts: app.get(AccountService), keys: app.get(KeyRecoveryService), dataSource: app.get(DataSource) });
  } finally {
    await app.close();
  }
}

const print = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n');
/** Credentials as one line of JSON, for scripts that read them with a line reader. */
const printLine = (value: unknown): void => void process.stdout.write(JSON.stringify(value) + '\n');

function printCreated(created: CreatedAccount): void {
  process.stdout.write(
    [`Account ${printable(created.name)} created.`, ...credentialLines(created), 'The secret is shown this once. Keep it now.', ''].join(
      '\n',
    ),
  );
}

function printAccount(account: AccountDto): void {
  process.stdout.write(
    `${account.id}  ${printable(account.name)}  (product environments: at most ${account.limits.product_environments})\n`,
  );
}

function printRotated(key: RecoveredKeyDto): void {
  const previous = key.previous_secret_expires_at
    ? `The previous secret works until ${key.previous_secret_expires_at}.`
    : 'The previous secret no longer works.';
  const pasteReady = key.api_environment_variable
    ? `CLOUDINARY_URL=${key.api_environment_variable}`
    : `CLOUDINARY_ACCOUNT_URL=${key.account_url}`;
  process.stdout.write(
    [
      `The ${key.kind} key ${key.api_key} of account ${key.account_id} has a new secret.`,
      `   api_key      ${key.api_key}`,
      `   api_secret   ${key.api_secret}`,
      `   ${pasteReady}`,
      previous,
      ...(key.enabled ? [] : ['The key is disabled; rerun with --enable, or enable it over the API, to use it.']),
      'The secret is shown this once. Keep it now.',
      '',
    ].join('\n'),
  );
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function graceSeconds(value: string): number {
  const seconds = wholeNumber(value);
  if (seconds > MAX_GRACE_SECONDS) throw new InvalidArgumentError(`at most ${MAX_GRACE_SECONDS} (7 days)`);
  return seconds;
}

const program = new Command('castellan')
  .description('Castellan operator command line. Uses DATABASE_URL, like the server.')
  .showHelpAfterError();

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(() =>
    withContext(async ({ dataSource }) => {
      // withContext already migrated; report what the schema is at.
      const applied = (await dataSource.query('SELECT name FROM castellan_migrations ORDER BY id')) as { name: string }[];
      process.stdout.write(`Database is up to date (${applied.length} migration${applied.length === 1 ? '' : 's'} applied).\n`);
    }),
  );

const account = program.command('account').description('Manage accounts');

account
  .command('create')
  .description('Create an account with its root account API key; prints the secret once')
  .requiredOption('--name <name>', 'account name')
  .option('--json', 'print one JSON object {account_id, api_key, api_secret, account_url}')
  .action((opts: { name: string; json?: boolean }) =>
    withContext(async ({ accounts }) => {
      const created = await accounts.create(opts.name);
      if (opts.json) {
        const { account_id, api_key, api_secret, account_url } = created;
        printLine({ account_id, api_key, api_secret, account_url });
      } else printCreated(created);
    }),
  );

account
  .command('set-limit')
  .description("Change an account's limits")
  .requiredOption('--account <account_id>', 'the account')
  .requiredOption('--product-environments <n>', 'how many product environments the account may hold', wholeNumber)
  .option('--json', 'print the account as JSON')
  .action((opts: { account: string; productEnvironments: number; json?: boolean }) =>
    withContext(async ({ accounts }) => {
      const updated = await accounts.setEnvironmentLimit(opts.account, opts.productEnvironments);
      if (opts.json) print(updated);
      else printAccount(updated);
    }),
  );

account
  .command('list')
  .description('List every account')
  .option('--json', 'print a JSON array')
  .action((opts: { json?: boolean }) =>
    withContext(async ({ accounts }) => {
      const all = await accounts.listAll();
      if (opts.json) print(all);
      else all.forEach(printAccount);
    }),
  );

const user = program.command('user').description('People of an account');

user
  .command('invite')
  .description("Create a user and mail them an invitation (e.g. an account's first master admin, or one to replace those locked out)")
  .requiredOption('--account <account_id>', 'the account')
  .requiredOption('--email <email>', "the user's email address, where the invitation goes")
  .requiredOption('--name <name>', "the user's name")
  .option('--role <role>', 'their system role', 'master_admin')
  .option('--json', 'print the user as JSON')
  .action((opts: { account: string; email: string; name: string; role: string; json?: boolean }) =>
    withContext(async ({ app }) => {
      // The API's own rules for a new user, applied to the options as to a request body.
      const input = (await createValidationPipe().transform(
        { name: opts.name, email: opts.email, role: opts.role },
        { type: 'body', metatype: CreateUserDto },
      )) as CreateUserDto;
      const created = await app.get(UserService).createAsOperator(opts.account, input);
      if (opts.json) print(created);
      else
        process.stdout.write(
          `User ${created.id} (${printable(created.email)}, ${created.role}) created in account ${opts.account}; ` +
            'the invitation is mailed to them (without SMTP_URL, it is written to the log).\n',
        );
    }),
  );

const key = program.command('key').description('Operator recovery for keys');

key
  .command('reset-permissions')
  .description("Give a key its kind's default policy back (for an account whose keys were all narrowed)")
  .requiredOption('--api-key <api_key>', 'the key')
  .option('--json', 'print the result as JSON')
  .action((opts: { apiKey: string; json?: boolean }) =>
    withContext(async ({ accounts }) => {
      const result = await accounts.restoreDefaultPolicy(opts.apiKey);
      if (opts.json) print(result);
      else process.stdout.write(`The ${result.kind} key ${result.api_key} of account ${result.account_id} has its default policy again.\n`);
    }),
  );

key
  .command('rotate')
  .description('Give any key a new secret, printed once (for an account whose key secrets were all lost or leaked)')
  .requiredOption('--api-key <api_key>', 'the key')
  .option('--grace-seconds <n>', 'how long the replaced secret keeps working (0 to 604800)', graceSeconds, 0)
  .option('--enable', 'enable the key too, once it has its new secret (after a leak report disabled it)')
  .option('--json', 'print one JSON object {api_key, api_secret, previous_secret_expires_at, enabled}')
  .action((opts: { apiKey: string; graceSeconds: number; enable?: boolean; json?: boolean }) =>
    withContext(async ({ keys }) => {
      const rotated = await keys.rotate(opts.apiKey, opts.graceSeconds, opts.enable);
      if (opts.json) {
        const { api_key, api_secret, previous_secret_expires_at, enabled } = rotated;
        printLine({ api_key, api_secret, previous_secret_expires_at, enabled });
      } else printRotated(rotated);
    }),
  );

// No withContext: a scan needs neither the database nor the configuration, so it runs anywhere (a CI job).
program
  .command('scan')
  .description('Find Castellan secrets in files by their format and checksum (no database); exit 1 when found, 2 on a read error')
  .argument('[files...]', 'files to scan; none, or -, reads standard input')
  .option('--json', 'print a JSON array of {file, line, column, kind, api_key, secret_preview}')
  // Usage errors exit 2, so that 1 keeps meaning "secrets found".
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : SCAN_EXIT.error))
  .action(async (files: string[], opts: { json?: boolean }) => {
    process.exitCode = await scanCommand(files, opts);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) process.stderr.write(`error: ${error.message}\n`);
  else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import 'reflect-metadata';
import { AccountService, CreatedAccount, credentialLines } from '@castellan/accounts';
import { ConfigError, loadConfig } from '@castellan/core';
import { createApp } from './create-app.js';

/** Shown once on the first start, as Rancher shows its bootstrap password; written to stdout, never to the log. */
function printFirstAccount(created: CreatedAccount): void {
  const rule = '='.repeat(78);
  process.stdout.write(
    [
      rule,
      ' Castellan: first start. An account and its root account API key were created.',
      '',
      ...credentialLines(created),
      '',
      ' The secret is shown this once and is not stored anywhere readable. Keep it now.',
      rule,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  app.enableShutdownHooks();
  const created = await app.get(AccountService).bootstrap();
  if (created) printFirstAccount(created);
  await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`Castellan listening on ${config.publicUrl} (API docs at ${config.publicUrl}/docs)\n`);
}

void main();

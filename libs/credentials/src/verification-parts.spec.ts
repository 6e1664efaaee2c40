import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  ACCOUNT_ALLOWLIST_PART,
  ACCOUNT_KEY_POLICY,
  AUDIT_SINK,
  ChangesModule,
  ConfigModule,
  ENVIRONMENT_STATE_PART,
  KEY_USAGE_SINK,
  SESSION_AUTHENTICATOR,
  loadConfig,
  TransactionRunner,
  USER_HOLDINGS_PART,
  USER_PRIVILEGES,
} from '@castellan/core';
import type { KeyQueryPart } from '@castellan/core';
import { BUILTIN_PLUGINS, PermissionsModule } from '@castellan/permissions';
import { CredentialsModule } from './credentials.module.js';
import { KeyPrincipals } from './key-principals.js';

const PARTS = [USER_HOLDINGS_PART, ACCOUNT_ALLOWLIST_PART, ENVIRONMENT_STATE_PART];

/**
 * What the rest of an app's composition provides this library, globally: the database's transactions, and
 * stand-ins for the ports of core that libraries above this one provide, and for the parts that `parts` names.
 */
function providedAround(parts: symbol[]) {
  const nothing: KeyQueryPart<null> = { columns: () => [], read: () => null };
  const ports = [ACCOUNT_KEY_POLICY, USER_PRIVILEGES, AUDIT_SINK, KEY_USAGE_SINK, SESSION_AUTHENTICATOR];
  const providers = [...ports.map((provide) => ({ provide, useValue: {} })), ...parts.map((provide) => ({ provide, useValue: nothing }))];
  @Global()
  @Module({ providers: [TransactionRunner, ...providers], exports: [TransactionRunner, ...ports, ...parts] })
  class Around {}
  return Around;
}

/** Authentication as an app composes it, with the parts that `parts` names. */
function compose(parts: symbol[]) {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', SECRET_PEPPER: 'p'.repeat(32), LOG_LEVEL: 'error' });
  return Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      ChangesModule,
      TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', autoLoadEntities: true }),
      PermissionsModule.forRoot({ plugins: BUILTIN_PLUGINS }),
      CredentialsModule,
      providedAround(parts),
    ],
  }).compile();
}

describe("a key's verification query", () => {
  test('composes with every part provided', async () => {
    const module = await compose(PARTS);
    expect(module.get(KeyPrincipals)).toBeInstanceOf(KeyPrincipals);
    await module.close();
  });

  test.each(PARTS.map((missing) => [missing.description!, missing] as const))(
    'refuses to compose without %s: a key would be verified without what it reads',
    async (name, missing) => {
      await expect(compose(PARTS.filter((token) => token !== missing))).rejects.toThrow(`Symbol(${name})`);
    },
  );
});

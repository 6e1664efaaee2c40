// Seeds an empty database through Castellan's own compiled services (dist/), in this process: the same
// migrations, account creation, environment creation, policy validation and key issuing (GrantService as the
// operator: CSPRNG secrets, hashed with the run's pepper) as the server. The secrets stay in this process's memory
// and are never written out.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccountRepository, AccountService } from '../dist/libs/accounts/src/index.js';
import { loadConfig, TransactionRunner } from '../dist/libs/core/src/index.js';
import { CredentialVerifier, GrantService, OPERATOR } from '../dist/libs/credentials/src/index.js';
import { runMigrations } from '../dist/libs/database/src/index.js';
import { EnvironmentService } from '../dist/libs/environments/src/index.js';
import { BUILTIN_PLUGINS, KIND_POLICIES, PermissionCatalog, validatePolicy } from '../dist/libs/permissions/src/index.js';
import { AppModule } from '../dist/apps/api/src/app.module.js';

/** Keys issued per transaction: large enough to be quick, small enough to keep MySQL transactions short. */
const BATCH = 500;
const TEAMS = 50;
const YEAR_MS = 365 * 86_400_000;

/**
 * The policy of the i-th seeded key: a mix of the kind's default and narrowed policies with conditions, over
 * 50 teams, so that about 350 distinct policies are compiled, as in an account where teams share templates.
 */
export function seededRules(i) {
  const team = `team${i % TEAMS}`;
  switch (i % 8) {
    case 0:
    case 1:
      return null;
    case 2:
      return [
        { effect: 'allow', actions: ['upload:*'] },
        { effect: 'deny', actions: ['upload:destroy'], conditions: { folder: { $regex: `^${team}/prod/` } } },
      ];
    case 3:
      return [{ effect: 'allow', actions: ['admin:resources.read', 'admin:search.read', 'admin:tags.read'] }];
    case 4:
      return [
        { effect: 'allow', actions: ['upload:upload', 'upload:explicit'], conditions: { resource_type: { $in: ['image', 'video'] } } },
        { effect: 'allow', actions: ['upload:destroy'], conditions: { folder: { $regex: `^${team}/` } } },
      ];
    case 5:
      return [
        { effect: 'allow', actions: ['upload:*', 'admin:*'] },
        { effect: 'deny', actions: ['upload:destroy', 'admin:resources.delete'], conditions: { tags: { $all: ['protected', team] } } },
      ];
    case 6:
      return [
        { effect: 'allow', actions: ['upload:destroy'], conditions: { folder: { $regex: `^${team}/` }, resource_type: { $eq: 'image' } } },
        { effect: 'allow', actions: ['admin:resources.read'] },
      ];
    default:
      return [
        { effect: 'allow', actions: ['upload:*'] },
        { effect: 'deny', actions: ['upload:upload', 'upload:destroy', 'upload:rename'], conditions: { type: { $eq: 'private' } } },
        { effect: 'allow', actions: ['upload:destroy'], conditions: { public_id: { $regex: `^${team}-` } } },
      ];
  }
}

/**
 * The settings of the i-th seeded key. Every seeded key must keep authenticating from 127.0.0.1 during the
 * run: the allowlists include it, expiries are a year away, and the rate limits are far above what the run sends.
 */
function seededSettings(i, now) {
  return {
    description: i % 3 === 0 ? `Seeded key ${i} of team${i % TEAMS}` : undefined,
    expiresAt: i % 4 === 0 ? new Date(now + YEAR_MS) : null,
    allowedIps: i % 5 === 0 ? ['127.0.0.0/8', '10.0.0.0/8', '::1/128'] : null,
    rateLimitPerMinute: i % 10 === 7 ? 1_000_000 : null,
  };
}

/**
 * The seeded key the warm scenario uses: 242 % 8 is 2, a narrowed policy with a condition, and 242 % 4, % 5 and
 * % 10 give it no expiry, allowlist or rate limit, so it measures the policy path and nothing optional.
 */
export const WARM_KEY_INDEX = 242;

const basic = (apiKey, secret) => `Basic ${Buffer.from(`${apiKey}:${secret}`).toString('base64')}`;

/**
 * Creates an account, three environments (`large` with `keys` keys, `small` with `smallKeys`, `create` for
 * key creation) and returns what the benchmark needs to call them.
 */
export async function seed({ databaseUrl, pepper, keys, smallKeys = 100, log = () => {} }) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, SECRET_PEPPER: pepper, LOG_LEVEL: 'error' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, BUILTIN_PLUGINS), { logger: ['error'] });
  try {
    await runMigrations(app.get(DataSource));
    const account = await app.get(AccountService).create('Benchmark');
    const verified = await app.get(CredentialVerifier).verify(account.api_key, account.api_secret, '127.0.0.1');
    if (!verified.principal) throw new Error(`the new account key does not verify: ${verified.failure}`);
    const maker = verified.principal;

    const environments = app.get(EnvironmentService);
    const grants = app.get(GrantService);
    const transactions = app.get(TransactionRunner);
    const accounts = app.get(AccountRepository);
    const catalog = app.get(PermissionCatalog);

    /** An environment with its Root key, then `total - 1` more keys, issued in batches under the account lock. */
    const environmentWithKeys = async (name, total) => {
      const created = await environments.create(maker, { name, cloud_name: `bench-${name}` });
      const [root] = created.api_access_keys;
      const issued = [{ apiKey: root.key, secret: root.secret }];
      const scope = { kind: 'environment', environmentId: created.id };
      const now = Date.now();
      const started = performance.now();
      for (let start = 1; start < total; start += BATCH) {
        const end = Math.min(start + BATCH, total);
        await transactions.run(async (manager) => {
          await accounts.lock(manager, account.account_id);
          for (let i = start; i < end; i++) {
            const raw = seededRules(i);
            const rules = raw && validatePolicy({ rules: raw }, catalog, KIND_POLICIES.environment.validation);
            const { key, secret } = await grants.issue(manager, OPERATOR, {
              accountId: account.account_id,
              scope,
              name: `bench-${name}-${i}`,
              rules,
              ...seededSettings(i, now),
            });
            issued.push({ apiKey: key.apiKey, secret });
          }
        });
      }
      if (total > 1) log(`  ${name}: ${total} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return { id: created.id, cloudName: created.cloud_name, keys: issued };
    };

    const large = await environmentWithKeys('large', keys);
    const small = await environmentWithKeys('small', smallKeys);
    const create = await environmentWithKeys('create', 1);
    const warm = large.keys[Math.min(WARM_KEY_INDEX, large.keys.length - 1)];
    return {
      accountId: account.account_id,
      accountAuth: basic(account.api_key, account.api_secret),
      environments: { large, small, create },
      warmAuth: basic(warm.apiKey, warm.secret),
      coldAuths: large.keys.map((k) => basic(k.apiKey, k.secret)),
    };
  } finally {
    await app.close();
  }
}

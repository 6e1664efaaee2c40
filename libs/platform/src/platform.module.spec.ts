import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { ChangesModule, ConfigModule, loadConfig } from '@castellan/core';
import { DatabaseModule } from '@castellan/database';
import { KeyUsageModule } from '@castellan/key-usage';
import { PeopleModule } from '@castellan/people';
import { BUILTIN_PLUGINS, PermissionsModule } from '@castellan/permissions';
import { SecurityModule } from '@castellan/security';
import { FEATURE_MODULES, PlatformModule } from './platform.module.js';

// A port of core that a composition forgets must stop the boot, naming the token: before, these injections were
// optional, and a composition without SecurityModule issued keys with no lifetime cap and said nothing.
let dir: string;
let config: ReturnType<typeof loadConfig>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'castellan-platform-'));
  writeFileSync(join(dir, 'pepper'), 'p'.repeat(48));
  config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'platform.sqlite')}`,
    SECRET_PEPPER_FILE: join(dir, 'pepper'),
    LOG_LEVEL: 'error',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const composedWithout = (missing: unknown) =>
  Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      ChangesModule,
      DatabaseModule.forRoot(),
      PermissionsModule.forRoot({ plugins: BUILTIN_PLUGINS }),
      ...FEATURE_MODULES.filter((module) => module !== missing),
    ],
  }).compile();

// AUDIT_SINK is as required, but no composition can lack it while it has leak response, which imports AuditModule.
it.each([
  ['SecurityModule', 'ACCOUNT_KEY_POLICY', SecurityModule],
  ['PeopleModule', 'USER_PRIVILEGES', PeopleModule],
  ['KeyUsageModule', 'KEY_USAGE_SINK', KeyUsageModule],
])('a composition without %s fails at boot, naming %s', async (_name, token, missing) => {
  await expect(composedWithout(missing)).rejects.toThrow(token);
});

it('the whole composition boots', async () => {
  const app = await Test.createTestingModule({ imports: [PlatformModule.forRoot(config, BUILTIN_PLUGINS)] }).compile();
  await app.init();
  await app.close();
});

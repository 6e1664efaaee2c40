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
import { SessionsModule, SignInModule } from '@castellan/sign-in';
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

const composedWithout = (...missing: unknown[]) =>
  Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      ChangesModule,
      DatabaseModule.forRoot(),
      PermissionsModule.forRoot({ plugins: BUILTIN_PLUGINS }),
      ...FEATURE_MODULES.filter((module) => !missing.includes(module)),
    ],
  }).compile();

// AUDIT_SINK is as required, but no composition can lack it while it has leak response, which imports AuditModule.
// Sign-in imports SecurityModule: a composition without security leaves sign-in out too.
it.each([
  ['SecurityModule', 'ACCOUNT_KEY_POLICY', [SecurityModule, SignInModule]],
  ['PeopleModule', 'USER_PRIVILEGES', [PeopleModule]],
  ['KeyUsageModule', 'KEY_USAGE_SINK', [KeyUsageModule]],
  ['SignInModule', 'SESSION_AUTHENTICATOR', [SignInModule]],
])('a composition without %s fails at boot, naming %s', async (_name, token, missing) => {
  await expect(composedWithout(...missing)).rejects.toThrow(token);
});

it('a composition without the invitations part fails at boot, naming USER_INVITATIONS', async () => {
  const app = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      ChangesModule,
      DatabaseModule.forRoot(),
      PermissionsModule.forRoot({ plugins: BUILTIN_PLUGINS }),
      ...FEATURE_MODULES.filter((module) => module !== SignInModule),
      SessionsModule,
    ],
  }).compile();
  await expect(app).rejects.toThrow('USER_INVITATIONS');
});

it('the whole composition boots', async () => {
  const app = await Test.createTestingModule({ imports: [PlatformModule.forRoot(config, BUILTIN_PLUGINS)] }).compile();
  await app.init();
  await app.close();
});

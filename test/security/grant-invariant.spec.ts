import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The grant invariant is enforced by construction (docs/permissions.md, "No escalation"): secrets come only from
// GrantService, writes that widen a principal need the GrantedTransaction only it hands out, and the operator, who
// is compared with nobody, acts only where a person at a terminal or the leak response acts. This walks the
// sources so that a change that opens another way fails here, and has to be argued for.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'console' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}
const files = [...sources('libs'), ...sources('apps')].map((path) => ({
  path: relative(ROOT, join(ROOT, path)),
  text: readFileSync(join(ROOT, path), 'utf8'),
}));
const using = (pattern: RegExp) =>
  files
    .filter((f) => pattern.test(f.text))
    .map((f) => f.path)
    .sort();

test('the walk reads the libraries', () => {
  expect(files.length).toBeGreaterThan(100);
  expect(using(/class GrantService/)).toEqual(['libs/credentials/src/grants/grant.service.ts']);
});

test('only GrantService makes a GrantedTransaction', () => {
  expect(using(/as GrantedTransaction/)).toEqual(['libs/credentials/src/grants/grant.service.ts']);
});

test('the key issuer is private to libs/credentials: secrets are handed out by GrantService', () => {
  const index = readFileSync(join(ROOT, 'libs/credentials/src/index.ts'), 'utf8');
  expect(index).not.toMatch(/export \* from '\.\/key-issuer\.js'/);
  expect(index).not.toMatch(/export \{[^}]*\bKeyIssuer\b/);
  expect(using(/\bKeyIssuer\b/).filter((path) => !path.startsWith('libs/credentials/'))).toEqual([]);
});

test('the operator acts in the CLI recovery, account creation, default-policy restore and user invitation, and leak response only', () => {
  expect(using(/\bOPERATOR\b/)).toEqual([
    'libs/access-keys/src/key-recovery.service.ts',
    'libs/accounts/src/account.service.ts',
    'libs/credentials/src/grants/grant.service.ts',
    'libs/leaks/src/leak.service.ts',
    'libs/people/src/users/user.service.ts',
  ]);
});

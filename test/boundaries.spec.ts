import { fileURLToPath } from 'node:url';
import { cruise, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

// The architecture's boundaries are rules in .dependency-cruiser.cjs, which `npm run lint` runs over apps/ and libs/.
// Here the same rules run over a fixture laid out like the repository, in which each file named after a rule breaks
// it once (test/support/boundaries-fixture/README.md): deleting or loosening a rule, or breaking what it allows,
// fails this test.

const repository = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./support/boundaries-fixture/', import.meta.url));

/** Every violation the rules report in the fixture: rule, from → to (the first step of a cycle). */
const EXPECTED = [
  'core-imports-no-lib: libs/core/src/core-imports-no-lib.ts → libs/throttling/src/index.ts',
  'layers: libs/core/src/core-imports-no-lib.ts → libs/throttling/src/index.ts',

  'permissions-only-core: libs/permissions/src/permissions-only-core.ts → libs/accounts/src/index.ts',
  'layers: libs/permissions/src/permissions-only-core.ts → libs/accounts/src/index.ts',

  'client-stands-alone: libs/client/src/client-stands-alone.ts → libs/core/src/index.ts',
  'client-tests-import-only-types: libs/client/src/client-tests-import-only-types.fixture.ts → libs/decisions/src/index.ts',

  'no-lib-imports-app: libs/accounts/src/no-lib-imports-app.ts → apps/api/src/main.ts',
  'no-app-imports-another-app: apps/cli/src/no-app-imports-another-app.ts → apps/api/src/main.ts',

  'through-the-public-index: libs/accounts/src/through-the-public-index.ts → libs/throttling/src/limiter.ts',
  'through-the-public-index: libs/accounts/src/through-the-public-index-relative.ts → libs/throttling/src/index.ts',
  'through-the-public-index: libs/accounts/src/through-the-public-index-alias.ts → @castellan/throttling/src/limiter.js',
  'not-to-unresolvable: libs/accounts/src/through-the-public-index-alias.ts → @castellan/throttling/src/limiter.js',
  'through-the-public-index: apps/cli/src/through-the-public-index.ts → libs/throttling/src/limiter.ts',

  // audit and leaks import each other: a cycle between libs, of runtime imports, and one of its imports goes up a layer.
  'no-circular-between-libs: libs/audit/src/index.ts → libs/leaks/src/index.ts',
  'no-runtime-circular: libs/audit/src/index.ts → libs/leaks/src/index.ts',
  'layers: libs/audit/src/index.ts → libs/leaks/src/index.ts',
  'no-runtime-circular: libs/environments/src/no-runtime-circular-a.ts → libs/environments/src/no-runtime-circular-b.ts',

  'tests-are-leaves: libs/accounts/src/tests-are-leaves.ts → test/support/helper.ts',
];

const describeViolation = ({ rule, from, to }: IViolation) => `${rule.name}: ${from} → ${to}`;

async function violationsInFixture(): Promise<string[]> {
  const options = await extractDepcruiseOptions(`${repository}.dependency-cruiser.cjs`);
  const tsConfigFile = `${fixture}tsconfig.json`;
  const { output } = await cruise(
    ['libs', 'apps'],
    { ...options, baseDir: fixture, tsConfig: { fileName: tsConfigFile } },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser answered with text, not a result');
  return output.summary.violations.map(describeViolation);
}

test('each boundary rule reports what breaks it in the fixture, and nothing it allows', async () => {
  expect((await violationsInFixture()).sort()).toEqual([...EXPECTED].sort());
});

test('the repository’s run resolves @castellan/<lib> through tsconfig.json, and sees type-only imports', async () => {
  // The test above points tsConfig at the fixture's; `npm run lint` runs from the repository, with these.
  const options = await extractDepcruiseOptions(`${repository}.dependency-cruiser.cjs`);
  expect(options.tsConfig?.fileName).toBe('tsconfig.json');
  expect(options.tsPreCompilationDeps).toBe(true);
});

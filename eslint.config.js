// ESLint, flat config: `npx eslint .` (part of `npm run lint`). Correctness rules only: layout is prettier's
// (.prettierrc.json), and the architecture's boundaries are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The scripts (bench/, scripts/, build.mjs) run on Node: its globals are whatever the Node that runs ESLint defines
// (the `globals` package is not installed, and this list cannot go stale).
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

export default defineConfig([
  globalIgnores([
    '**/dist/',
    '**/coverage/',
    'data/',
    'bench/results/',
    'test/console/screenshots/',
    'libs/client/.pack-test/',
    // Generated from the API's OpenAPI document by openapi-typescript; fixed by regenerating, not by hand.
    '**/*.generated.ts',
  ]),

  js.configs.recommended,
  // The recommended rules that need no type information: they run per file, in seconds, over the whole repository.
  // The type-checked ones (recommendedTypeChecked) build a TypeScript program per tsconfig (two here, the server's
  // and the console's) and take as long as `tsc` itself, which `npm run typecheck` already runs.
  tseslint.configs.recommended,

  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  {
    rules: {
      // Sanitising text is what this code does with control characters: every regex that names one (printable.ts,
      // fields.ts' NO_CONTROL_CHARACTERS, the ANSI colour codes the tests strip) names it on purpose, which is the
      // one thing this rule cannot tell from a typo.
      'no-control-regex': 'off',
      // Prettier breaks a chain before a computed member (`server\n  .http()\n  [method](url)`), which this rule reads as
      // a hazard of a missing semicolon; the code ends its statements with semicolons, and prettier keeps them
      // (eslint-config-prettier, which turns this off for the same reason, is not installed).
      'no-unexpected-multiline': 'off',
      // The code's convention: a leading _ for what a signature or a destructuring needs but the code does not use, and
      // `{ omitted, ...rest }` to drop a property. In TypeScript tsc reports the same (noUnusedLocals, noUnusedParameters);
      // ESLint also covers the .mjs scripts, and says so in an editor as one types.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `interface AppConfig extends Readonly<AppConfigFields> {}` names a type (and merges with a class) on purpose;
      // an empty interface or `{}` that extends nothing is still an error.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
]);

// The architecture's boundaries, checked by dependency-cruiser: `npx depcruise apps libs` (part of `npm run lint`).
// Paths are relative to the directory depcruise runs in (the repository; test/boundaries.spec.ts runs the same rules
// in a fixture laid out like it). `@castellan/<lib>` resolves through tsconfig.json's paths to libs/<lib>/src/index.ts.
// CommonJS (.cjs) because package.json says "type": "module" and a .cjs config loads the same way from the CLI and
// from dependency-cruiser's API.

/** Test code next to the code it tests: jest and vitest specs, and the fixtures only they import. */
const TEST_CODE = '\\.(spec|e2e-spec|test)\\.tsx?$|\\.fixture\\.ts$';

/**
 * The feature libraries in layers, lowest first. A lib imports only libs in lower layers: never one above it, never
 * one beside it. This is today's graph (read off the imports), not a wish; when a lib needs one it may not reach, move
 * it, or the lib it needs, and say why in the commit. libs/client is not here: it is a published package that stands
 * alone (see client-stands-alone).
 */
const LAYERS = [
  ['core'],
  ['permissions', 'throttling', 'database'],
  ['credentials'],
  ['accounts', 'audit'],
  ['environments', 'leaks'],
  ['people', 'decisions', 'key-usage'],
  ['security'],
  ['sign-in'],
  ['access-keys'],
  // The composition of the libs into one Nest module, for the apps (api, cli) to import: no lib imports it.
  ['platform'],
];

const alternatives = (names) => `(${names.join('|')})`;

/** One rule per layer: from a lib in it, to a lib in it or above it (other than itself). */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => {
  const notBelow = LAYERS.slice(i).flat();
  return {
    name: 'layers',
    comment:
      `A lib in layer ${i} (${layer.join(', ')}) imports only libs in lower layers (${LAYERS.slice(0, i).flat().join(', ') || 'none'}), ` +
      'so that the libs form one stack with no cycles and no sideways coupling; see LAYERS in .dependency-cruiser.cjs.',
    severity: 'error',
    from: { path: `^libs/${alternatives(layer)}/` },
    to: { path: `^libs/${alternatives(notBelow)}/`, pathNot: '^libs/$1/' },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'permissions-only-core',
      comment:
        'The permission engine (policies, conditions, plugins) is pure: it knows core and npm packages, nothing of accounts, keys, ' +
        'HTTP or the database, so that it can be reasoned about and tested alone, and reused by every lib that decides.',
      severity: 'error',
      from: { path: '^libs/permissions/' },
      // Its specs may also import test/ and examples/ (the example plugins); tests-are-leaves keeps those out of its code.
      to: {
        pathNot: '^(libs/(permissions|core)|test|bench|examples)/',
        dependencyTypesNot: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'core'],
      },
    },
    {
      name: 'core-imports-no-lib',
      comment: 'libs/core is the bottom of the stack: every lib may import it, so it imports none of them (that would be a cycle).',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: '^libs/', pathNot: '^libs/core/' },
    },
    {
      name: 'client-stands-alone',
      comment:
        'libs/client is published on its own as @castellan/client, for internal services: it cannot import code that is not in its ' +
        'package. Its tests may import types from the server (type-only imports vanish when compiled) and test/support helpers.',
      severity: 'error',
      from: { path: '^libs/client/', pathNot: TEST_CODE },
      to: { path: '^(libs|apps|test|bench|examples)/', pathNot: '^libs/client/' },
    },
    {
      name: 'client-tests-import-only-types',
      comment:
        'The client’s tests may know the server’s wire types (so a change of the server’s DTOs breaks them at compile time), ' +
        'but not its code: they test the package as a service sees it.',
      severity: 'error',
      from: { path: `^libs/client/.*(${TEST_CODE})` },
      to: { path: '^(libs|apps)/', pathNot: '^libs/client/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-lib-imports-app',
      comment:
        'Apps compose libs; a lib that imports an app inverts that, and drags the app (its config, its bootstrap) into every other app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-imports-another-app',
      comment:
        'apps/api, apps/cli and apps/console are deployed and started separately; what two of them share belongs in a lib, ' +
        'where both can import it.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'through-the-public-index',
      comment:
        'A lib’s index.ts is its contract: another lib, or an app, imports it as @castellan/<lib>, never a file behind it ' +
        '(@castellan/<lib>/…, ../../<lib>/src/…), so that a lib can move its files without breaking the others.',
      severity: 'error',
      from: { path: '^(libs|apps)/([^/]+)/' },
      to: { path: '^(libs/[^/]+/|@castellan/[^/]+/.)', pathNot: ['^$1/$2/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'through-the-public-index',
      comment:
        'The same, for a relative path to another lib’s index.ts (../../<lib>/src/index.js): it works, but it is the path alias ' +
        '@castellan/<lib> that the build (tsc-alias), jest and the libs’ own package names agree on.',
      severity: 'error',
      from: { path: '^(libs|apps)/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/index\\.ts$', pathNot: '^$1/$2/', dependencyTypesNot: ['aliased-tsconfig-paths'] },
    },
    {
      name: 'no-circular-between-libs',
      comment:
        'A cycle that leaves a lib ties the libs on it together: none can be built, tested or understood without the others. ' +
        '(Inside one lib a cycle is allowed if a type-only import breaks it: see no-runtime-circular.)',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^libs/$1/' } },
    },
    {
      name: 'no-runtime-circular',
      comment:
        'Inside a lib (or an app) a cycle is allowed only if a type-only import breaks it: a cycle of runtime imports means ES ' +
        'modules that evaluate before what they import is defined (a decorator or `extends` that meets undefined at startup).',
      severity: 'error',
      from: { path: '^(libs|apps)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'tests-are-leaves',
      comment:
        'Production code never imports test/, bench/ or examples/: they are not built into the image, and code that needs them ' +
        'would run test helpers in production. Specs and fixtures next to the code may use test/support and the examples.',
      severity: 'error',
      from: { path: '^(libs|apps)/', pathNot: TEST_CODE },
      to: { path: '^(test|bench|examples)/' },
    },
    ...layerRules,
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing package; it would fail at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage)/' },
    // type-only imports count: they are coupling too (a lib that needs another's types needs that lib to exist).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The console imports without extensions ('../../api'), as Vite resolves them.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

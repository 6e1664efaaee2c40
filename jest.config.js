// Nest 12 ships as native ES modules, which Jest on Node 20 can only load in its ESM mode
// (package.json's test script sets --experimental-vm-modules).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@castellan/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // e2e suites share one database per run (SQLite file or a MySQL schema); running them one after
  // another keeps them independent without a database per worker.
  maxWorkers: 1,
  // In ESM mode each suite loads every module afresh into its own VM context, and a process that runs them all keeps
  // too much of each: the whole run outgrew Node's 4 GB heap. The one worker is replaced, between suites, once it holds
  // more than this (setting it also makes Jest use a worker rather than its own process).
  workerIdleMemoryLimit: '1.5GB',
  testTimeout: 30000,
};

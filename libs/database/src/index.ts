export * from './data-source-options.js';
export * from './database.module.js';
export { DatabaseGuard } from './database-guard.js';
export * from './migrate.js';
export * from './migrations/index.js';

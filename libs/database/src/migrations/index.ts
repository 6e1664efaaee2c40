import { InitialSchema1732000000000 } from './1732000000000-initial-schema.js';

/** Listed explicitly: the build is plain tsc, and globs would depend on the working directory. */
export const MIGRATIONS = [InitialSchema1732000000000];

import type { Principal } from '@castellan/core';

// Callers by where they act, for the specs of their reach: core's reachOf (libs/core/src/auth/principal.spec.ts) and
// the permission engine's checks over it (libs/permissions/src/reach.spec.ts).

/** What a caller's reach is read from. */
export type Caller = Pick<Principal, 'kind' | 'environmentId' | 'environmentIds'>;

/** A key of environment e1. */
export const environmentKey: Caller = { kind: 'environment', environmentId: 'e1', environmentIds: null };
/** An account key: every environment. */
export const accountKey: Caller = { kind: 'account', environmentId: null, environmentIds: null };
/** A user key whose user reaches e1 and e2. */
export const limitedUser: Caller = { kind: 'user', environmentId: null, environmentIds: ['e1', 'e2'] };
/** A user key whose user reaches every environment. */
export const everywhereUser: Caller = { kind: 'user', environmentId: null, environmentIds: null };

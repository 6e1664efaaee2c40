import type { PolicyRule } from '@castellan/core';

// Policy rules as the permission engine's specs write them: an effect, its actions, and conditions only when given.

/** Whatever a rule's conditions may hold, as PolicyRule types them. */
export type Conditions = NonNullable<PolicyRule['conditions']>;

export const allow = (actions: string[], conditions?: Conditions): PolicyRule =>
  conditions ? { effect: 'allow', actions, conditions } : { effect: 'allow', actions };

export const deny = (actions: string[], conditions?: Conditions): PolicyRule =>
  conditions ? { effect: 'deny', actions, conditions } : { effect: 'deny', actions };

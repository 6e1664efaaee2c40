import type { KeyKind, PolicyRule } from '@castellan/core';
import type { ValidationOptions } from './policy-validator.js';

interface KindPolicy {
  /** What a key of this kind may do until someone sets its policy. */
  defaults: PolicyRule[];
  validation: ValidationOptions;
  /** Actions a key of this kind never holds, even through `*`. */
  excludedPrefix?: string;
}

const ENVIRONMENT_KEYS_ONLY = 'environment keys work inside one product environment and cannot hold provisioning actions';

/**
 * Environment keys may call every Upload and Admin API method by default, as on Cloudinary. Account keys
 * hold everything, so that the keys security teams manage with can grant what they narrow.
 */
export const KIND_POLICIES: Record<KeyKind, KindPolicy> = {
  environment: {
    defaults: [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }],
    validation: { refuse: { prefix: 'provisioning:', reason: ENVIRONMENT_KEYS_ONLY } },
    excludedPrefix: 'provisioning:',
  },
  account: { defaults: [{ effect: 'allow', actions: ['*'] }], validation: {} },
  user: { defaults: [], validation: {} },
};

export const effectiveRules = (kind: KeyKind, rules: PolicyRule[] | null): PolicyRule[] => rules ?? KIND_POLICIES[kind].defaults;

/** Every kind of key, in the order the catalogue answer lists them. */
export const KEY_KINDS = Object.keys(KIND_POLICIES) as KeyKind[];

/** The prefixes of the actions a key of this kind never holds, for clients that show only what a kind may hold. */
export const excludedPrefixes = (kind: KeyKind): string[] => {
  const prefix = KIND_POLICIES[kind].excludedPrefix;
  return prefix ? [prefix] : [];
};

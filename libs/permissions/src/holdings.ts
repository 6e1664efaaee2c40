import type { Reach } from '@castellan/core';
import type { CatalogAction } from './catalog.js';
import type { PrincipalPolicy } from './principal-policy.js';

/** What a principal holds: its policy, in the product environments it reaches. */
export interface Holdings {
  policy: PrincipalPolicy;
  reach: Reach;
}

/** Something a target would hold that its caller does not. */
export interface Excess {
  action: string;
  /**
   * Set when the caller holds the action, but not everywhere the target would: the first product environment the
   * target reaches and the caller does not, or `every` when the target reaches all of them and the caller does not.
   */
  environment?: string;
}

export const EVERY_ENVIRONMENT = 'every';

export const reaches = (reach: Reach, environmentId: string): boolean => reach === null || reach.includes(environmentId);

/** The first environment `inner` reaches and `outer` does not (EVERY_ENVIRONMENT when inner reaches all), or null. */
export function outsideReach(inner: Reach, outer: Reach): string | null {
  if (outer === null) return null;
  if (inner === null) return EVERY_ENVIRONMENT;
  return inner.find((id) => !outer.includes(id)) ?? null;
}

/**
 * Whether `holder` may perform `action` for every resource wherever `reach` extends: account actions wherever the
 * holder is, environment actions only in environments it reaches.
 */
export function holdsWithin(holder: Holdings, action: CatalogAction, reach: Reach): boolean {
  return holder.policy.holdsUnconditionally(action.name) && (action.scope === 'account' || outsideReach(reach, holder.reach) === null);
}

/**
 * The grant invariant's comparison: the first action that `target` may hold (for some resource, in some environment)
 * that `caller` does not hold for every resource in every environment the target reaches; null when the target holds
 * nothing more than the caller. Conditions are not compared: a caller can grant an action only if it holds it
 * unconditionally. A layer the two policies share bounds the target exactly as it bounds the caller (a user key made
 * by a key of the same user, narrowed alike), so only the caller's other layers must hold what the target may.
 */
export function firstExcess(target: Holdings, caller: Holdings, actions: readonly CatalogAction[]): Excess | null {
  const shared = new Set(target.policy.layerKeys);
  for (const action of actions) {
    if (!target.policy.mayHold(action.name)) continue;
    if (!caller.policy.holdsUnconditionally(action.name, shared)) return { action: action.name };
    const outside = action.scope === 'environment' ? outsideReach(target.reach, caller.reach) : null;
    if (outside) return { action: action.name, environment: outside };
  }
  return null;
}

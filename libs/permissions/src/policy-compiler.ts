import { Injectable } from '@nestjs/common';
import type { KeyKind, PolicyRule, Reach } from '@castellan/core';
import { PermissionCatalog } from './catalog.js';
import { CompiledPolicy, compilePolicy, policyKey } from './compiled-policy.js';
import { Excess, firstExcess, Holdings, holdsWithin } from './holdings.js';
import { effectiveRules, KIND_POLICIES } from './key-policies.js';
import { MAX_ACTIONS_PER_RULE } from './policy-validator.js';
import { PolicyHolder, PrincipalPolicy, RuleSource } from './principal-policy.js';

const MAX_CACHED = 10_000;

/** `map`'s value for `key`, made once; the map keeps the MAX_CACHED most recently used. */
function remembered<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  const hit = map.get(key);
  // Re-inserting keeps the Map in least-recently-used order.
  if (hit !== undefined) map.delete(key);
  const value = hit ?? make();
  if (hit === undefined && map.size >= MAX_CACHED) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

/**
 * Compiles policies once and keeps them. Entries are keyed by the policy's content, not by the key, so any
 * change to a key's rules is seen by the very next request without an explicit invalidation.
 */
@Injectable()
export class PolicyCompiler {
  private readonly cache = new Map<string, CompiledPolicy>();
  /** A number for each content of a whole policy (see identify). */
  private readonly ids = new Map<string, number>();
  private lastId = 0;
  /** Whole policies by the number of their content: the thousands of keys that share a template share one. */
  private readonly wholes = new Map<number, PrincipalPolicy>();

  constructor(private readonly catalog: PermissionCatalog) {}

  /** What `holder` holds, where it reaches. */
  holdings(holder: PolicyHolder, reach: Reach): Holdings {
    return { policy: this.forPrincipal(holder), reach };
  }

  /** The first thing `target` may hold that `caller` does not (see firstExcess), or null. */
  excess(target: Holdings, caller: Holdings): Excess | null {
    return firstExcess(target, caller, this.catalog.all());
  }

  /**
   * The policy of a key of `kind` that `maker` creates where `reach` extends (a generated key, an environment's
   * first key). The maker never hands out more than it holds there: the new key gets its kind's default only when
   * the maker holds all of it, and otherwise only the default's actions the maker holds for every resource.
   */
  rulesForKeyMadeBy(maker: Holdings, kind: KeyKind, reach: Reach): PolicyRule[] | null {
    const granted = this.grantedBy(KIND_POLICIES[kind].defaults, kind);
    const held = granted.filter((name) => holdsWithin(maker, this.catalog.get(name)!, reach));
    if (held.length === granted.length) return null;
    const rules: PolicyRule[] = [];
    for (let i = 0; i < held.length; i += MAX_ACTIONS_PER_RULE)
      rules.push({ effect: 'allow', actions: held.slice(i, i + MAX_ACTIONS_PER_RULE) });
    return rules;
  }

  /** The concrete actions the allow rules name that a key of `kind` can hold. */
  private grantedBy(rules: PolicyRule[], kind: KeyKind): string[] {
    const excluded = KIND_POLICIES[kind].excludedPrefix;
    const names = rules
      .filter((rule) => rule.effect === 'allow')
      .flatMap((rule) => rule.actions.flatMap((pattern) => this.catalog.expand(pattern) ?? []))
      .map((action) => action.name)
      .filter((name) => !excluded || !name.startsWith(excluded));
    return [...new Set(names)];
  }

  /**
   * A number for what decides the holder's whole policy: equal for equal content. Holders that ask for their
   * policy on every request (the verification cache's principals) carry it as `policyId`, so that finding their
   * policy costs a lookup by number instead of a serialisation of their rules.
   */
  identify(holder: PolicyHolder): number {
    return remembered(
      this.ids,
      JSON.stringify([holder.kind, holder.rules, holder.rolePolicies ?? [], holder.userPolicies ?? null]),
      () => ++this.lastId,
    );
  }

  /** A caller's whole policy: a user key's user privileges, narrowed by the key's own rules if it has any. */
  forPrincipal(holder: PolicyHolder): PrincipalPolicy {
    return remembered(this.wholes, holder.policyId ?? this.identify(holder), () => this.build(holder));
  }

  private build(holder: PolicyHolder): PrincipalPolicy {
    if (holder.kind !== 'user') {
      const roles = (holder.rolePolicies ?? []).map((rules) => this.compile(rules, KIND_POLICIES[holder.kind].excludedPrefix));
      return new PrincipalPolicy([[this.forKey(holder.kind, holder.rules), ...roles]], [['key', ...roles.map((): RuleSource => 'role')]]);
    }
    const user = (holder.userPolicies ?? []).map((rules) => this.compile(rules));
    const sources: RuleSource[][] = [user.map(() => 'user')];
    const layers = [user];
    if (holder.rules) {
      layers.push([this.compile(holder.rules)]);
      sources.push(['key']);
    }
    return new PrincipalPolicy(layers, sources);
  }

  forKey(kind: KeyKind, rules: PolicyRule[] | null): CompiledPolicy {
    return this.compile(effectiveRules(kind, rules), KIND_POLICIES[kind].excludedPrefix);
  }

  private compile(effective: PolicyRule[], excludedPrefix?: string): CompiledPolicy {
    return remembered(this.cache, policyKey(effective, excludedPrefix), () => compilePolicy(effective, this.catalog, excludedPrefix));
  }
}

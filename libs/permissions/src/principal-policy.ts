import type { KeyKind, PolicyRule } from '@castellan/core';
import type { CompiledPolicy, RuleDecision, TraceEntry } from './compiled-policy.js';

/** The parts of a caller that decide its policy. */
export interface PolicyHolder {
  kind: KeyKind;
  rules: PolicyRule[] | null;
  /** A user key's user's privileges: one policy per source (role, custom role, group). */
  userPolicies?: PolicyRule[][] | null;
  /** The rules of each custom role the key itself holds, beside its own rules. */
  rolePolicies?: PolicyRule[][];
  /** PolicyCompiler.identify's number for all of the above, when the holder carries it. */
  policyId?: number;
}

/**
 * A caller's policy: every layer must allow (a user key's own rules only narrow its user's privileges), and
 * within a layer any source may allow (a user holds the union of its role's and its groups' privileges; a
 * deny in one source does not cancel another source's allow).
 */
export class PrincipalPolicy {
  /** Each layer named by the content of its sources, so that two policies can tell the layers they share. */
  readonly layerKeys: readonly string[];

  constructor(private readonly layers: CompiledPolicy[][]) {
    this.layerKeys = layers.map((sources) => sources.map((source) => source.key).sort().join('\u0000'));
  }

  decide(action: string, resource?: Record<string, unknown>): RuleDecision {
    let decision: RuleDecision = { allowed: false, reason: 'NO_MATCHING_RULE', rule: null };
    for (const sources of this.layers) {
      const decisions = sources.map((source) => source.decide(action, resource));
      decision =
        decisions.find((d) => d.allowed) ??
        decisions.find((d) => d.reason === 'DENIED_BY_RULE') ?? { allowed: false, reason: 'NO_MATCHING_RULE', rule: null };
      if (!decision.allowed) return decision;
    }
    return decision;
  }

  /** The trace of the innermost layer's first source: the rules a security team edits for this key. */
  trace(action: string, resource?: Record<string, unknown>): TraceEntry[] {
    return this.layers[this.layers.length - 1]![0]?.trace(action, resource) ?? [];
  }

  /** Whether every resource is allowed the action. With `except`, the layers named there are left out. */
  holdsUnconditionally(action: string, except?: ReadonlySet<string>): boolean {
    return this.layers.every((sources, i) => except?.has(this.layerKeys[i]!) || sources.some((source) => source.holdsUnconditionally(action)));
  }

  /** Whether some resource may be allowed the action, as far as the rules tell: every layer has a source that may allow it. */
  mayHold(action: string): boolean {
    return this.layers.every((sources) => sources.some((source) => source.mayAllow(action)));
  }
}

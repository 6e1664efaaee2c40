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

/** Where a rule that decided stands: the key's own rules, a custom role the key holds, or its user's privileges. */
export type RuleSource = 'key' | 'role' | 'user';

/** A decision, with the source of the rule that made it (null when no rule did). */
export interface SourcedDecision extends RuleDecision {
  source: RuleSource | null;
}

const NO_MATCH: SourcedDecision = Object.freeze({ allowed: false, reason: 'NO_MATCHING_RULE', rule: null, source: null });

/**
 * A caller's policy: every layer must allow (a user key's own rules only narrow its user's privileges), and
 * within a layer any source may allow (a user holds the union of its role's and its groups' privileges; a
 * deny in one source does not cancel another source's allow).
 */
export class PrincipalPolicy {
  /** Each layer named by the content of its sources, so that two policies can tell the layers they share. */
  readonly layerKeys: readonly string[];

  /**
   * `sources` labels each source of each layer (every one is the key's own when absent), so that a decision says
   * whose rule made it: a trace of the key's own rules must not point at one of them for a role's decision.
   */
  constructor(
    private readonly layers: CompiledPolicy[][],
    private readonly sources: RuleSource[][] = layers.map((layer) => layer.map(() => 'key')),
  ) {
    this.layerKeys = layers.map((layer) =>
      layer
        .map((source) => source.key)
        .sort()
        .join('\u0000'),
    );
  }

  /** Allowed when every layer allows; then the innermost layer's allow is the decision. */
  decide(action: string, resource?: Record<string, unknown>): SourcedDecision {
    let decision = NO_MATCH;
    for (let i = 0; i < this.layers.length; i++) {
      const decisions = this.layers[i]!.map((source) => source.decide(action, resource));
      let at = decisions.findIndex((d) => d.allowed);
      if (at < 0) at = decisions.findIndex((d) => d.reason === 'DENIED_BY_RULE');
      if (at < 0) return NO_MATCH;
      decision = { ...decisions[at]!, source: this.sources[i]![at]! };
      if (!decision.allowed) return decision;
    }
    return decision;
  }

  /** The trace of the key's own rules, the ones a security team edits for it; none when it has none of its own. */
  trace(action: string, resource?: Record<string, unknown>): TraceEntry[] {
    const layer = this.sources.findIndex((labels) => labels.includes('key'));
    return layer < 0 ? [] : this.layers[layer]![this.sources[layer]!.indexOf('key')]!.trace(action, resource);
  }

  /** Whether every resource is allowed the action. With `except`, the layers named there are left out. */
  holdsUnconditionally(action: string, except?: ReadonlySet<string>): boolean {
    return this.layers.every(
      (sources, i) => except?.has(this.layerKeys[i]!) || sources.some((source) => source.holdsUnconditionally(action)),
    );
  }

  /** Whether some resource may be allowed the action, as far as the rules tell: every layer has a source that may allow it. */
  mayHold(action: string): boolean {
    return this.layers.every((sources) => sources.some((source) => source.mayAllow(action)));
  }
}

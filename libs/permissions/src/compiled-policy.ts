import { createMongoAbility, MongoAbility, RawRuleOf, subject } from '@casl/ability';
import type { PolicyRule } from '@castellan/core';
import type { PermissionCatalog } from './catalog.js';

export type RuleReason = 'ALLOWED' | 'DENIED_BY_RULE' | 'NO_MATCHING_RULE';

export interface RuleDecision {
  allowed: boolean;
  reason: RuleReason;
  /** Index in the policy of the rule that decided, or null when none applied. */
  rule: number | null;
}

export interface TraceEntry {
  rule: number;
  effect: PolicyRule['effect'];
  /** Whether the rule names the action (directly or by wildcard). */
  covers_action: boolean;
  /** Whether the resource satisfies the rule's conditions; null when the rule does not cover the action. */
  conditions_match: boolean | null;
  decisive: boolean;
}

const RESOURCE = 'resource';
const ORDERING = ['$lt', '$lte', '$gt', '$gte'];

/**
 * CASL compares a missing attribute as if it had a value (`undefined < 10` style), where MongoDB, and a
 * security team, expect no match: an ordering operator therefore also requires the attribute to exist.
 */
function strict(conditions: PolicyRule['conditions']): PolicyRule['conditions'] {
  if (!conditions) return undefined;
  return Object.fromEntries(
    Object.entries(conditions).map(([name, value]) => {
      const ops = value as Record<string, unknown>;
      const orders = typeof value === 'object' && value !== null && ORDERING.some((op) => op in ops) && !('$exists' in ops);
      return [name, orders ? { ...ops, $exists: true } : value];
    }),
  );
}

/** Null attributes count as missing, as the validator tells rule authors. */
const present = (resource: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(resource).filter(([, v]) => v !== null && v !== undefined));
type Ability = MongoAbility<[string, typeof RESOURCE | Record<string, unknown>]>;

/** What identifies a compiled policy: equal for policies compiled from equal rules for the same kind of holder. */
export const policyKey = (rules: readonly PolicyRule[], excludedPrefix?: string): string =>
  `${excludedPrefix ?? ''}\n${JSON.stringify(rules)}`;

const unconditional = (rule: PolicyRule) => !rule.conditions || Object.keys(rule.conditions).length === 0;

/**
 * A policy compiled for fast decisions. A deny beats an allow whatever their order: CASL gives later rules
 * precedence, so every deny rule is placed after every allow rule. A request that names no resource is
 * judged against an empty one, on which only conditions like `{"$exists": false}` hold.
 */
export class CompiledPolicy {
  private readonly ability: Ability;
  private readonly covers: Set<string>[];
  /** See policyKey. */
  readonly key: string;

  constructor(
    readonly rules: readonly PolicyRule[],
    catalog: PermissionCatalog,
    excludedPrefix?: string,
  ) {
    this.key = policyKey(rules, excludedPrefix);
    this.covers = rules.map(
      (rule) =>
        new Set(
          rule.actions
            .flatMap((pattern) => catalog.expand(pattern) ?? [])
            .map((a) => a.name)
            .filter((name) => !excludedPrefix || !name.startsWith(excludedPrefix)),
        ),
    );
    const raw = rules.map((rule, i) => ({
      action: [...this.covers[i]!],
      subject: RESOURCE,
      inverted: rule.effect === 'deny',
      conditions: strict(rule.conditions),
      reason: String(i),
    })) as RawRuleOf<Ability>[];
    this.ability = createMongoAbility<Ability>([...raw.filter((r) => !r.inverted), ...raw.filter((r) => r.inverted)]);
  }

  decide(action: string, resource: Record<string, unknown> = {}): RuleDecision {
    const rule = this.ability.relevantRuleFor(action, subject(RESOURCE, present(resource)));
    if (!rule) return { allowed: false, reason: 'NO_MATCHING_RULE', rule: null };
    const index = Number(rule.reason);
    return rule.inverted ? { allowed: false, reason: 'DENIED_BY_RULE', rule: index } : { allowed: true, reason: 'ALLOWED', rule: index };
  }

  /** Every rule, in policy order, with how it bears on this action and resource. */
  trace(action: string, resource: Record<string, unknown> = {}): TraceEntry[] {
    const target = subject(RESOURCE, present(resource));
    const compiled = new Map(this.ability.rulesFor(action, RESOURCE).map((r) => [Number(r.reason), r]));
    const decisive = this.decide(action, resource).rule;
    return this.rules.map((rule, i) => {
      const covers = this.covers[i]!.has(action);
      return {
        rule: i,
        effect: rule.effect,
        covers_action: covers,
        conditions_match: covers ? compiled.get(i)!.matchesConditions(target) : null,
        decisive: i === decisive,
      };
    });
  }

  /** Whether the policy allows the action for any resource: an unconditional allow, and no deny that could apply. */
  holdsUnconditionally(action: string): boolean {
    const relevant = this.relevant(action);
    return relevant.some((rule) => rule.effect === 'allow' && unconditional(rule)) && !relevant.some((rule) => rule.effect === 'deny');
  }

  /**
   * Whether the policy may allow the action for some resource, as far as its rules tell without a resource: an
   * allow names it and no unconditional deny does. Conditions are not compared, so this errs towards "may".
   */
  mayAllow(action: string): boolean {
    const relevant = this.relevant(action);
    return relevant.some((rule) => rule.effect === 'allow') && !relevant.some((rule) => rule.effect === 'deny' && unconditional(rule));
  }

  private relevant(action: string): PolicyRule[] {
    return this.rules.filter((_, i) => this.covers[i]!.has(action));
  }
}

/** The ability factory: a pure function from a policy to its compiled form, testable without Nest. */
export function compilePolicy(rules: readonly PolicyRule[], catalog: PermissionCatalog, excludedPrefix?: string): CompiledPolicy {
  return new CompiledPolicy(rules, catalog, excludedPrefix);
}

/** What changed between two policies, in words, for the review before saving. */
import type { PolicyRule } from '../../api';
import { attributeTypes, type CatalogPlugin, patternsOf } from './catalogue';
import { describeConditions, describeRule } from './conditions';
import { type ConditionalRule, type EditorState, type Effect, rulesToState } from './policy-state';
import { list, stableJson } from './values';

export interface Change {
  kind: 'setting' | 'conditions' | 'advanced';
  text: string;
}

/** `upload:destroy`, or `admin:* ` with a space so that the colon after a wildcard reads clearly. */
const labelOf = (pattern: string): string => (pattern.endsWith('*') ? `${pattern} ` : pattern);
const ruleKey = (r: { effect: Effect; actions: string[] }) => `${r.effect}|${[...r.actions].sort().join(',')}`;
const actionsKey = (r: { actions: string[] }) => [...r.actions].sort().join(',');

/** Pairs up items of two lists that satisfy `same`, removing them from both; returns the pairs. */
function pairOff<T>(before: T[], after: T[], same: (a: T, b: T) => boolean): [T, T][] {
  const pairs: [T, T][] = [];
  for (let i = 0; i < before.length;) {
    const j = after.findIndex((b) => same(before[i]!, b));
    if (j >= 0) {
      pairs.push([before[i]!, after[j]!]);
      before.splice(i, 1);
      after.splice(j, 1);
    } else {
      i += 1;
    }
  }
  return pairs;
}

/** What changed between two editor states, in words, in display order. */
export function diffStates(saved: EditorState, edited: EditorState, plugins: readonly CatalogPlugin[]): Change[] {
  const changes: Change[] = [];
  const whenText = (r: ConditionalRule) => `when ${describeConditions(r.conditions, attributeTypes(r.actions, plugins))}`;
  for (const pattern of patternsOf(plugins)) {
    const from = saved.settings[pattern] ?? 'inherit';
    const to = edited.settings[pattern] ?? 'inherit';
    if (from !== to) changes.push({ kind: 'setting', text: `${labelOf(pattern)}: ${from} → ${to}` });
  }

  const before = [...saved.conditional];
  const after = [...edited.conditional];
  pairOff(before, after, (a, b) => ruleKey(a) === ruleKey(b) && stableJson(a.conditions) === stableJson(b.conditions));
  for (const [a, b] of pairOff(before, after, (a, b) => ruleKey(a) === ruleKey(b))) {
    changes.push({ kind: 'conditions', text: `conditions changed on ${a.effect} ${list(a.actions)}: ${whenText(a)} → ${whenText(b)}` });
  }
  for (const [a, b] of pairOff(
    before,
    after,
    (a, b) => actionsKey(a) === actionsKey(b) && stableJson(a.conditions) === stableJson(b.conditions),
  )) {
    changes.push({ kind: 'conditions', text: `rule with conditions on ${list(a.actions)} (${whenText(a)}): ${a.effect} → ${b.effect}` });
  }
  for (const r of before)
    changes.push({ kind: 'conditions', text: `conditions removed from ${r.effect} ${list(r.actions)} (was: ${whenText(r)})` });
  for (const r of after) changes.push({ kind: 'conditions', text: `conditions added to ${r.effect} ${list(r.actions)} (${whenText(r)})` });

  const oldAdvanced = saved.advanced.map(stableJson);
  const newAdvanced = edited.advanced.map(stableJson);
  pairOff(oldAdvanced, newAdvanced, (a, b) => a === b);
  for (const r of oldAdvanced)
    changes.push({ kind: 'advanced', text: `advanced rule removed: ${describeRule(JSON.parse(r) as PolicyRule, plugins)}` });
  for (const r of newAdvanced)
    changes.push({ kind: 'advanced', text: `advanced rule added: ${describeRule(JSON.parse(r) as PolicyRule, plugins)}` });
  return changes;
}

/** What changed between the policy as stored and as edited, in words. Regrouping alone is no change. */
export function diffRules(saved: readonly PolicyRule[], edited: readonly PolicyRule[], plugins: readonly CatalogPlugin[]): Change[] {
  return diffStates(rulesToState(saved, plugins), rulesToState(edited, plugins), plugins);
}

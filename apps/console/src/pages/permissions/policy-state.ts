/**
 * A key's rules ↔ the permission editor's state, without React: radio settings, rules with conditions and rules kept
 * verbatim. The catalogue, conditions, edits, verdicts, changes in words, API errors and the try-it request have
 * modules of their own beside this one.
 *
 * Meaning (as the API decides, docs/permissions.md): a deny that matches beats every allow, whatever the order
 * of the rules; otherwise an allow that matches permits; otherwise the action is refused. Within one key's own
 * rules, the order and grouping of rules therefore change nothing but the rule index a decision reports.
 *
 * How rules are read ({@link readRules}):
 * - An unconditional rule (no `conditions`, or `{}`) is split into one setting per action pattern it names:
 *   `*` (the "All actions" row), `<plugin>:*` (the plugin's wildcard row) or one action. Splitting preserves
 *   meaning, because each action of an unconditional rule is decided on its own.
 *   - A pattern named by several rules of one effect is shown once (a duplicate changes nothing).
 *   - A pattern both allowed and denied shows as Deny, because the deny wins; the allow was redundant.
 *   - Patterns this key's catalogue does not know (a plugin that is gone, or a provisioning action on an
 *     environment key) cannot be shown as a row: they are kept verbatim, with the rule's effect, as an
 *     "advanced rule", so that nothing is lost silently.
 * - A rule with conditions is kept whole, as a "rule with conditions": its conditions apply to all its actions
 *   together (and may only use attributes they all share), so it is never split.
 * - Anything else (conditions that are not an object) is kept verbatim as an advanced rule.
 * Each of these choices is reported as a {@link ReadNote}.
 *
 * How rules are written ({@link stateToRules}): in the order they were read, so that a rule keeps its number (the
 * index the API's decisions, the simulator's trace and the audit log name it by) across a save.
 * - Each stored rule is written back in its place. An unconditional one keeps the patterns whose row still says
 *   what it said when read, and those whose row now says the rule's effect; a row changed to another setting
 *   leaves it. A rule left with no pattern goes, and the rules after it move up by one.
 * - A rule with conditions is written in its place as edited; an advanced rule as it was, until it is removed.
 * - What no stored rule says yet is appended: per scope (`*`, then each plugin in catalogue order) one allow
 *   and one deny rule listing that scope's patterns (wildcard first, then actions in catalogue order; at most
 *   100 per rule), then the rules with conditions added, then advanced rules without a place.
 * So `stateToRules(rulesToState(r))` is `r` itself, less rules that name no action, and
 * `rulesToState(stateToRules(s))` shows what `s` shows.
 */
import type { PolicyRule } from '../../api';
import { type CatalogPlugin, GLOBAL, patternsOf, pluginOf, wildcardOf } from './catalogue';
import { isPlainObject, list, stableJson } from './values';

export type Effect = PolicyRule['effect'];
/** A row's radio group: its own allow or deny rule, or none ("Inherit": decided by wider rows, else refused). */
export type Setting = Effect | 'inherit';
export const SETTINGS: readonly Setting[] = ['allow', 'deny', 'inherit'];

export type Conditions = Record<string, unknown>;

export interface ConditionalRule {
  /** Stable within one editing session: `conditional-<n>` for the n-th one read, anything unique when added. */
  id: string;
  effect: Effect;
  actions: string[];
  conditions: Conditions;
}

export interface EditorState {
  /** One entry per pattern of {@link patternsOf}. */
  settings: Record<string, Setting>;
  conditional: ConditionalRule[];
  /** Rules kept verbatim, because no row can show them. */
  advanced: PolicyRule[];
  /** The rules as read, in their order: where each is written back. */
  stored: StoredRule[];
}

/**
 * A rule as read, at its index `at`. `advanced` marks the rules that hold the next entry of
 * {@link EditorState.advanced}, in order: the whole rule, or the patterns of an unconditional rule that no row
 * shows. Removing that entry clears the mark.
 */
export type StoredRule =
  | { kind: 'unconditional'; at: number; rule: PolicyRule; advanced: boolean }
  | { kind: 'conditional'; at: number; id: string }
  | { kind: 'advanced'; at: number };

/** What reading a policy did beyond a plain split, for the reader to see. Rules are numbered from 0, as the API's decisions number them. */
export interface ReadNote {
  rule: number;
  text: string;
}

const hasConditions = (rule: PolicyRule): boolean => isPlainObject(rule.conditions) && Object.keys(rule.conditions).length > 0;
const isUnconditional = (rule: PolicyRule): boolean =>
  rule.conditions === undefined ||
  rule.conditions === null ||
  (isPlainObject(rule.conditions) && Object.keys(rule.conditions).length === 0);

export function emptyState(plugins: readonly CatalogPlugin[]): EditorState {
  const settings = Object.fromEntries(patternsOf(plugins).map((p) => [p, 'inherit' as Setting]));
  return { settings, conditional: [], advanced: [], stored: [] };
}

/** Reads a policy into the editor's state, with notes on whatever was merged or kept aside. */
export function readRules(rules: readonly PolicyRule[], plugins: readonly CatalogPlugin[]): { state: EditorState; notes: ReadNote[] } {
  const state = emptyState(plugins);
  const known = new Set(Object.keys(state.settings));
  const notes: ReadNote[] = [];
  const allowedBy = new Map<string, number>();
  const deniedBy = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (hasConditions(rule)) {
      const id = `conditional-${state.conditional.length}`;
      state.conditional.push({ id, effect: rule.effect, actions: [...rule.actions], conditions: structuredClone(rule.conditions!) });
      state.stored.push({ kind: 'conditional', at: i, id });
      return;
    }
    if (!isUnconditional(rule)) {
      state.advanced.push(structuredClone(rule));
      state.stored.push({ kind: 'advanced', at: i });
      notes.push({ rule: i, text: `Rule #${i}: its conditions are not an object, so it is kept as an advanced rule.` });
      return;
    }
    if (rule.actions.length === 0) {
      notes.push({ rule: i, text: `Rule #${i} names no action, so it has no effect and is dropped.` });
      return;
    }
    const unknown = rule.actions.filter((a) => !known.has(a));
    if (unknown.length) {
      state.advanced.push({ effect: rule.effect, actions: [...new Set(unknown)] });
      const [are, they] = unknown.length === 1 ? ['is', 'it is'] : ['are', 'they are'];
      notes.push({
        rule: i,
        text: `Rule #${i}: ${list(unknown)} ${are} not in this key's catalogue, so ${they} kept as an advanced rule.`,
      });
    }
    state.stored.push({ kind: 'unconditional', at: i, rule: structuredClone(rule), advanced: unknown.length > 0 });
    const seen = rule.effect === 'allow' ? allowedBy : deniedBy;
    for (const pattern of rule.actions.filter((a) => known.has(a))) {
      const earlier = seen.get(pattern);
      if (earlier !== undefined) {
        notes.push({
          rule: i,
          text:
            `Rule #${i}: ${pattern} is already ${rule.effect === 'allow' ? 'allowed' : 'denied'} by rule #${earlier}; ` +
            'it is shown once.',
        });
      } else {
        seen.set(pattern, i);
      }
    }
  });
  for (const pattern of known) {
    const denied = deniedBy.get(pattern);
    const allowed = allowedBy.get(pattern);
    if (denied !== undefined) {
      state.settings[pattern] = 'deny';
      if (allowed !== undefined) {
        notes.push({
          rule: allowed,
          text: `${pattern} is both allowed (rule #${allowed}) and denied (rule #${denied}); the deny wins, so it shows as Deny.`,
        });
      }
    } else if (allowed !== undefined) {
      state.settings[pattern] = 'allow';
    }
  }
  notes.sort((a, b) => a.rule - b.rule);
  return { state, notes };
}

export const rulesToState = (rules: readonly PolicyRule[], plugins: readonly CatalogPlugin[]): EditorState =>
  readRules(rules, plugins).state;

/**
 * Where a rule written by {@link stateToRulesWithOrigins} comes from, to show an API error next to it. A stored
 * unconditional rule that also names patterns no row shows lists them under `advanced`, with their entry.
 */
export type RuleOrigin =
  | { kind: 'settings'; scope: string; effect: Effect; patterns: string[]; advanced?: { index: number; patterns: string[] } }
  | { kind: 'conditional'; id: string }
  | { kind: 'advanced'; index: number };

export const MAX_ACTIONS_PER_RULE = 100;

const scopeOf = (pattern: string): string => (pattern === GLOBAL ? GLOBAL : pluginOf(pattern));

/** The setting each pattern had when the stored rules were read: a deny wins over an allow. */
function settingsAsRead(stored: readonly StoredRule[]): Map<string, Effect> {
  const read = new Map<string, Effect>();
  for (const s of stored) {
    if (s.kind !== 'unconditional') continue;
    for (const pattern of s.rule.actions) if (s.rule.effect === 'deny' || !read.has(pattern)) read.set(pattern, s.rule.effect);
  }
  return read;
}

/** The rules a state stands for, each with its origin and the index it had when read (null: new). */
export function stateToRulesWithOrigins(
  state: EditorState,
  plugins: readonly CatalogPlugin[],
): { rules: PolicyRule[]; origins: RuleOrigin[]; storedAt: (number | null)[] } {
  const rules: PolicyRule[] = [];
  const origins: RuleOrigin[] = [];
  const storedAt: (number | null)[] = [];
  const add = (rule: PolicyRule, origin: RuleOrigin, at: number | null) => {
    rules.push(rule);
    origins.push(origin);
    storedAt.push(at);
  };
  const known = new Set(patternsOf(plugins));
  const settingOf = (pattern: string): Setting => state.settings[pattern] ?? 'inherit';
  const asRead = settingsAsRead(state.stored);
  // A pattern keeps its place in a stored rule while its row says what it said, or says this rule's effect.
  const keeps = (pattern: string, effect: Effect) => [asRead.get(pattern) ?? 'inherit', effect].includes(settingOf(pattern));
  const written = { allow: new Set<string>(), deny: new Set<string>() };
  const conditional = new Map(state.conditional.map((r) => [r.id, r]));
  const writeConditional = (rule: ConditionalRule, at: number | null) => {
    const conditions = Object.keys(rule.conditions).length ? { conditions: structuredClone(rule.conditions) } : {};
    add({ effect: rule.effect, actions: [...rule.actions], ...conditions }, { kind: 'conditional', id: rule.id }, at);
  };

  let nextAdvanced = 0;
  for (const s of state.stored) {
    if (s.kind === 'conditional') {
      const rule = conditional.get(s.id);
      if (rule) writeConditional(rule, s.at);
      conditional.delete(s.id);
    } else if (s.kind === 'advanced') {
      add(structuredClone(state.advanced[nextAdvanced]!), { kind: 'advanced', index: nextAdvanced }, s.at);
      nextAdvanced += 1;
    } else {
      const index = s.advanced ? nextAdvanced++ : null;
      const { effect, actions } = s.rule;
      const kept = actions.filter((p) => (known.has(p) ? keeps(p, effect) : index !== null));
      if (!kept.length) continue;
      const shown = kept.filter((p) => known.has(p));
      for (const p of shown) written[effect].add(p);
      const hidden = kept.filter((p) => !known.has(p));
      const rule = kept.length === actions.length ? structuredClone(s.rule) : { ...structuredClone(s.rule), actions: kept };
      if (!shown.length) add(rule, { kind: 'advanced', index: index! }, s.at);
      else {
        const origin = { kind: 'settings' as const, scope: scopeOf(shown[0]!), effect, patterns: kept };
        add(rule, hidden.length ? { ...origin, advanced: { index: index!, patterns: hidden } } : origin, s.at);
      }
    }
  }

  const scopes: [string, string[]][] = [
    [GLOBAL, [GLOBAL]],
    ...plugins.map((p): [string, string[]] => [p.name, [wildcardOf(p.name), ...p.actions.map((a) => a.name)]]),
  ];
  for (const [scope, patterns] of scopes) {
    for (const effect of ['allow', 'deny'] as const) {
      const chosen = patterns.filter((p) => settingOf(p) === effect && !written[effect].has(p));
      for (let at = 0; at < chosen.length; at += MAX_ACTIONS_PER_RULE) {
        const chunk = chosen.slice(at, at + MAX_ACTIONS_PER_RULE);
        add({ effect, actions: chunk }, { kind: 'settings', scope, effect, patterns: chunk }, null);
      }
    }
  }
  for (const rule of conditional.values()) writeConditional(rule, null);
  for (let index = nextAdvanced; index < state.advanced.length; index += 1) {
    add(structuredClone(state.advanced[index]!), { kind: 'advanced', index }, null);
  }
  return { rules, origins, storedAt };
}

/** Stored rules that saving moves to another index, because a rule before them goes. */
export function renumbered(state: EditorState, plugins: readonly CatalogPlugin[]): { from: number; to: number }[] {
  return stateToRulesWithOrigins(state, plugins).storedAt.flatMap((from, to) => (from !== null && from !== to ? [{ from, to }] : []));
}

export const stateToRules = (state: EditorState, plugins: readonly CatalogPlugin[]): PolicyRule[] =>
  stateToRulesWithOrigins(state, plugins).rules;

/** Whether two states write the same policy: the editor's notion of "nothing changed". */
export function sameState(a: EditorState, b: EditorState, plugins: readonly CatalogPlugin[]): boolean {
  return stableJson(stateToRules(a, plugins)) === stableJson(stateToRules(b, plugins));
}

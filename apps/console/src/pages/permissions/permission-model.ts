/**
 * The permission editor's model, without React: a key's rules ↔ an editor state of radio settings, rules with
 * conditions and rules kept verbatim, plus the human-readable difference between two policies.
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
import { covers } from '../../rules';

// ─── The catalogue (`GET /v1_1/permissions/catalog`) ───────────────────────────────────────────────────────

export type AttributeType = 'string' | 'number' | 'boolean' | 'string[]';

export interface CatalogAttribute {
  name: string;
  type: AttributeType;
  description: string;
}

export interface CatalogAction {
  /** `<plugin>:<action>` */
  name: string;
  description: string;
  attributes: CatalogAttribute[];
}

export interface CatalogPlugin {
  name: string;
  title: string;
  description: string;
  actions: CatalogAction[];
}

export interface Catalog {
  plugins: CatalogPlugin[];
}

/** The kinds of key whose permissions this page edits. */
export type KeyKind = 'environment' | 'account';

/** Environment keys can never hold provisioning actions (the API refuses them), so their plugin is not shown. */
export const EXCLUDED_PLUGINS: Record<KeyKind, readonly string[]> = { environment: ['provisioning'], account: [] };

/** The plugins a key of this kind may hold, in catalogue order. */
export function pluginsFor(catalog: Catalog, kind: KeyKind): CatalogPlugin[] {
  return catalog.plugins.filter((p) => !EXCLUDED_PLUGINS[kind].includes(p.name));
}

export const GLOBAL = '*';
export const wildcardOf = (plugin: string): string => `${plugin}:*`;
export const pluginOf = (action: string): string => action.slice(0, Math.max(0, action.indexOf(':')));

/** Every pattern that has a row, in display order: `*`, then per plugin its wildcard and its actions. */
export function patternsOf(plugins: readonly CatalogPlugin[]): string[] {
  return [GLOBAL, ...plugins.flatMap((p) => [wildcardOf(p.name), ...p.actions.map((a) => a.name)])];
}

/** The catalogue's actions a pattern selects (`*`, `<plugin>:*` or one action); empty when it names none of them. */
export function expandPattern(pattern: string, plugins: readonly CatalogPlugin[]): CatalogAction[] {
  return plugins.flatMap((p) => p.actions).filter((a) => covers(pattern, a.name));
}

/** The attributes every action declares with the same type: the only ones a rule over all of them may use. */
export function commonAttributes(actions: readonly CatalogAction[]): CatalogAttribute[] {
  const [first, ...rest] = actions;
  if (!first) return [];
  return first.attributes.filter((attribute) => rest.every((a) => a.attributes.some((b) => b.name === attribute.name && b.type === attribute.type)));
}

/** The attributes a rule naming these patterns may put conditions on. */
export function attributesForPatterns(patterns: readonly string[], plugins: readonly CatalogPlugin[]): CatalogAttribute[] {
  const seen = new Map<string, CatalogAction>();
  for (const pattern of patterns) for (const action of expandPattern(pattern, plugins)) seen.set(action.name, action);
  return commonAttributes([...seen.values()]);
}

// ─── Editor state ──────────────────────────────────────────────────────────────────────────────────────────

export type Effect = 'allow' | 'deny';
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

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasConditions = (rule: PolicyRule): boolean => isPlainObject(rule.conditions) && Object.keys(rule.conditions).length > 0;
const isUnconditional = (rule: PolicyRule): boolean =>
  rule.conditions === undefined || rule.conditions === null || (isPlainObject(rule.conditions) && Object.keys(rule.conditions).length === 0);
const list = (items: readonly string[]): string => items.join(', ');

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
      notes.push({ rule: i, text: `Rule #${i}: ${list(unknown)} ${are} not in this key's catalogue, so ${they} kept as an advanced rule.` });
    }
    state.stored.push({ kind: 'unconditional', at: i, rule: structuredClone(rule), advanced: unknown.length > 0 });
    const seen = rule.effect === 'allow' ? allowedBy : deniedBy;
    for (const pattern of rule.actions.filter((a) => known.has(a))) {
      const earlier = seen.get(pattern);
      if (earlier !== undefined) {
        notes.push({ rule: i, text: `Rule #${i}: ${pattern} is already ${rule.effect === 'allow' ? 'allowed' : 'denied'} by rule #${earlier}; it is shown once.` });
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
        notes.push({ rule: allowed, text: `${pattern} is both allowed (rule #${allowed}) and denied (rule #${denied}); the deny wins, so it shows as Deny.` });
      }
    } else if (allowed !== undefined) {
      state.settings[pattern] = 'allow';
    }
  }
  notes.sort((a, b) => a.rule - b.rule);
  return { state, notes };
}

export const rulesToState = (rules: readonly PolicyRule[], plugins: readonly CatalogPlugin[]): EditorState => readRules(rules, plugins).state;

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

  const scopes: [string, string[]][] = [[GLOBAL, [GLOBAL]], ...plugins.map((p): [string, string[]] => [p.name, [wildcardOf(p.name), ...p.actions.map((a) => a.name)]])];
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

export const stateToRules = (state: EditorState, plugins: readonly CatalogPlugin[]): PolicyRule[] => stateToRulesWithOrigins(state, plugins).rules;

/** JSON with object keys sorted, so that equal rules and conditions compare equal. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Whether two states write the same policy: the editor's notion of "nothing changed". */
export function sameState(a: EditorState, b: EditorState, plugins: readonly CatalogPlugin[]): boolean {
  return stableJson(stateToRules(a, plugins)) === stableJson(stateToRules(b, plugins));
}

// ─── Editing ───────────────────────────────────────────────────────────────────────────────────────────────

export function setSetting(state: EditorState, pattern: string, setting: Setting): EditorState {
  return { ...state, settings: { ...state.settings, [pattern]: setting } };
}

export function addConditionalRule(state: EditorState, rule: ConditionalRule): EditorState {
  return { ...state, conditional: [...state.conditional, rule] };
}

export function updateConditionalRule(state: EditorState, id: string, change: Partial<Omit<ConditionalRule, 'id'>>): EditorState {
  return { ...state, conditional: state.conditional.map((r) => (r.id === id ? { ...r, ...change } : r)) };
}

export function removeConditionalRule(state: EditorState, id: string): EditorState {
  return { ...state, conditional: state.conditional.filter((r) => r.id !== id) };
}

export function removeAdvancedRule(state: EditorState, index: number): EditorState {
  let seen = -1;
  const stored = state.stored.flatMap((s): StoredRule[] => {
    if (s.kind === 'conditional' || (s.kind === 'unconditional' && !s.advanced)) return [s];
    seen += 1;
    if (seen !== index) return [s];
    return s.kind === 'advanced' ? [] : [{ ...s, advanced: false }];
  });
  return { ...state, advanced: state.advanced.filter((_, i) => i !== index), stored };
}

/** What the policy does with one action, as far as its rules alone say (custom roles may add to it). */
export interface Verdict {
  result: 'permitted' | 'refused' | 'conditional' | 'none';
  text: string;
}

export function verdictFor(state: EditorState, action: string): Verdict {
  const chain = [action, wildcardOf(pluginOf(action)), GLOBAL];
  const named = (p: string) => (p === action ? 'its own rule' : p === GLOBAL ? 'All actions (*)' : p);
  const deniedBy = chain.find((p) => state.settings[p] === 'deny');
  if (deniedBy) return { result: 'refused', text: `Refused (${named(deniedBy)})` };
  const conditional = state.conditional.filter((r) => Object.keys(r.conditions).length && r.actions.some((p) => covers(p, action)));
  const allowedBy = chain.find((p) => state.settings[p] === 'allow');
  if (allowedBy) {
    return conditional.some((r) => r.effect === 'deny')
      ? { result: 'conditional', text: `Permitted (${named(allowedBy)}) unless a deny condition matches` }
      : { result: 'permitted', text: `Permitted (${named(allowedBy)})` };
  }
  if (conditional.some((r) => r.effect === 'allow')) return { result: 'conditional', text: 'Permitted only when an allow condition matches' };
  return { result: 'none', text: 'Refused: no rule permits it' };
}

// ─── Conditions ────────────────────────────────────────────────────────────────────────────────────────────

/** `equals` writes a plain value: equality, or "contains" on a list attribute. */
export type ConditionOperator = 'equals' | '$ne' | '$in' | '$nin' | '$lt' | '$lte' | '$gt' | '$gte' | '$exists' | '$regex' | '$all' | '$size';

const OPERATOR_LABELS: Record<ConditionOperator, string> = {
  equals: 'equals',
  $ne: 'is not ($ne)',
  $in: 'is one of ($in)',
  $nin: 'is none of ($nin)',
  $lt: 'less than ($lt)',
  $lte: 'at most ($lte)',
  $gt: 'greater than ($gt)',
  $gte: 'at least ($gte)',
  $exists: 'is present ($exists)',
  $regex: 'matches ($regex)',
  $all: 'contains all of ($all)',
  $size: 'has this many items ($size)',
};

/** The operators the API accepts for an attribute type (docs/permissions.md), as the editor offers them. */
export function operatorsFor(type: AttributeType): { value: ConditionOperator; label: string }[] {
  const ops: ConditionOperator[] =
    type === 'string'
      ? ['equals', '$ne', '$in', '$nin', '$regex', '$lt', '$lte', '$gt', '$gte', '$exists']
      : type === 'number'
        ? ['equals', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists']
        : type === 'boolean'
          ? ['equals', '$ne', '$exists']
          : ['equals', '$ne', '$in', '$nin', '$all', '$size', '$exists'];
  return ops.map((value) => ({ value, label: type === 'string[]' && value === 'equals' ? 'contains' : type === 'string[]' && value === '$ne' ? 'does not contain ($ne)' : OPERATOR_LABELS[value] }));
}

/** What to type as the value, for a hint next to the field. */
export function valueHint(operator: ConditionOperator, type: AttributeType): string {
  if (operator === '$exists') return 'true or false';
  if (operator === '$size') return 'A whole number';
  if (operator === '$regex') return 'A regular expression, e.g. ^prod/';
  const scalar = type === 'number' ? 'numbers' : type === 'boolean' ? 'true or false' : 'values';
  if (operator === '$in' || operator === '$nin' || operator === '$all') return `Comma-separated ${scalar}`;
  return type === 'number' ? 'A number' : type === 'boolean' ? 'true or false' : 'Text';
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseScalar(raw: string, type: AttributeType): Parsed<string | number | boolean> {
  const text = raw.trim();
  if (type === 'number') {
    const n = Number(text);
    return text !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: `"${raw}" is not a number` };
  }
  if (type === 'boolean') return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : { ok: false, error: 'Type true or false' };
  return { ok: true, value: raw };
}

/** The value a condition field's text stands for, typed as the attribute requires. */
export function parseConditionValue(operator: ConditionOperator, type: AttributeType, raw: string): Parsed<unknown> {
  if (operator === '$exists') return parseScalar(raw, 'boolean');
  if (operator === '$size') {
    const n = Number(raw.trim());
    return raw.trim() !== '' && Number.isInteger(n) && n >= 0 ? { ok: true, value: n } : { ok: false, error: 'Type a whole number' };
  }
  if (operator === '$regex') {
    if (!raw) return { ok: false, error: 'Type a regular expression' };
    try {
      new RegExp(raw);
    } catch {
      return { ok: false, error: 'This is not a valid regular expression' };
    }
    return { ok: true, value: raw };
  }
  if (operator === '$in' || operator === '$nin' || operator === '$all') {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (!items.length) return { ok: false, error: 'Type at least one value' };
    const values: unknown[] = [];
    for (const item of items) {
      const parsed = parseScalar(item, type === 'string[]' ? 'string' : type);
      if (!parsed.ok) return parsed;
      values.push(parsed.value);
    }
    return { ok: true, value: values };
  }
  if (type !== 'number' && type !== 'boolean' && raw === '') return { ok: false, error: 'Type a value' };
  return parseScalar(raw, type === 'string[]' ? 'string' : type);
}

/** Adds one condition: a plain value for `equals` on a new attribute, else an operator merged into the attribute's. */
export function addCondition(conditions: Conditions, attribute: string, operator: ConditionOperator, value: unknown): Conditions {
  const current = conditions[attribute];
  if (operator === 'equals' && (current === undefined || !isPlainObject(current))) return { ...conditions, [attribute]: value };
  const ops = current === undefined ? {} : isPlainObject(current) ? current : { $eq: current };
  return { ...conditions, [attribute]: { ...ops, [operator === 'equals' ? '$eq' : operator]: value } };
}

/** Removes one condition (`equals` for a plain value); an attribute left with no operator goes. */
export function removeCondition(conditions: Conditions, attribute: string, operator: string): Conditions {
  const current = conditions[attribute];
  const rest = Object.fromEntries(Object.entries(conditions).filter(([k]) => k !== attribute));
  if (!isPlainObject(current) || operator === 'equals') return rest;
  const ops = Object.fromEntries(Object.entries(current).filter(([k]) => k !== operator));
  return Object.keys(ops).length ? { ...rest, [attribute]: ops } : rest;
}

/** The conditions as a flat list: one entry per attribute and operator. */
export function listConditions(conditions: Conditions): { attribute: string; operator: string; value: unknown }[] {
  return Object.entries(conditions).flatMap(([attribute, v]) =>
    isPlainObject(v) && Object.keys(v).length ? Object.entries(v).map(([operator, value]) => ({ attribute, operator, value })) : [{ attribute, operator: 'equals', value: v }],
  );
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : stableJson(v));

/** One condition in words: `folder matches ^prod/` (a regular expression), `tags contains "cat"`. */
export function describeCondition(attribute: string, operator: string, value: unknown, type?: AttributeType): string {
  const listy = type === 'string[]';
  switch (operator) {
    case 'equals':
    case '$eq':
      return `${attribute} ${listy || Array.isArray(value) ? 'contains' : '='} ${show(value)}`;
    case '$ne':
      return `${attribute} ${listy ? 'does not contain' : '≠'} ${show(value)}`;
    case '$in':
      return `${attribute} ${listy ? 'contains one of' : 'is one of'} ${show(value)}`;
    case '$nin':
      return `${attribute} ${listy ? 'contains none of' : 'is none of'} ${show(value)}`;
    case '$lt':
      return `${attribute} < ${show(value)}`;
    case '$lte':
      return `${attribute} ≤ ${show(value)}`;
    case '$gt':
      return `${attribute} > ${show(value)}`;
    case '$gte':
      return `${attribute} ≥ ${show(value)}`;
    case '$exists':
      return `${attribute} ${value ? 'is present' : 'is missing'}`;
    case '$regex':
      return `${attribute} matches ${String(value)}`;
    case '$all':
      return `${attribute} contains all of ${show(value)}`;
    case '$size':
      return `${attribute} has ${show(value)} item${value === 1 ? '' : 's'}`;
    case '$elemMatch':
      return `${attribute} has an item where ${isPlainObject(value) ? Object.entries(value).map(([op, v]) => describeCondition('it', op, v, 'string')).join(' and ') : show(value)}`;
    default:
      return `${attribute} ${operator} ${show(value)}`;
  }
}

/** All of a rule's conditions in words, joined by "and". */
export function describeConditions(conditions: Conditions | undefined, typeOf?: (attribute: string) => AttributeType | undefined): string {
  const items = listConditions(conditions ?? {});
  return items.length ? items.map((c) => describeCondition(c.attribute, c.operator, c.value, typeOf?.(c.attribute))).join(' and ') : 'always';
}

/** The catalogue's type of each attribute of the actions these patterns cover. */
export function attributeTypes(patterns: readonly string[], plugins: readonly CatalogPlugin[]): (attribute: string) => AttributeType | undefined {
  const types = new Map<string, AttributeType>();
  for (const pattern of patterns) for (const action of expandPattern(pattern, plugins)) for (const a of action.attributes) if (!types.has(a.name)) types.set(a.name, a.type);
  return (attribute) => types.get(attribute);
}

/** A rule in words: `deny upload:destroy when folder matches ^prod/`. */
export function describeRule(rule: PolicyRule, plugins: readonly CatalogPlugin[] = []): string {
  const base = `${rule.effect} ${list(rule.actions)}`;
  return isPlainObject(rule.conditions) && Object.keys(rule.conditions).length
    ? `${base} when ${describeConditions(rule.conditions, attributeTypes(rule.actions, plugins))}`
    : base;
}

/** The text of the "Conditions (JSON)" field: an object of attribute conditions. */
export function parseConditionsJson(text: string): Parsed<Conditions> {
  if (!text.trim()) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return isPlainObject(value) ? { ok: true, value } : { ok: false, error: 'Conditions must be a JSON object, e.g. {"folder": {"$regex": "^prod/"}}' };
}

/** The "Resource (JSON)" field of the try-it panel: empty (no resource) or an object. */
export function parseResourceJson(text: string): Parsed<Record<string, unknown> | undefined> {
  if (!text.trim()) return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return isPlainObject(value) ? { ok: true, value } : { ok: false, error: 'The resource must be a JSON object, e.g. {"folder": "prod/cats"}' };
}

// ─── Differences ───────────────────────────────────────────────────────────────────────────────────────────

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
  for (let i = 0; i < before.length; ) {
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
  for (const [a, b] of pairOff(before, after, (a, b) => actionsKey(a) === actionsKey(b) && stableJson(a.conditions) === stableJson(b.conditions))) {
    changes.push({ kind: 'conditions', text: `rule with conditions on ${list(a.actions)} (${whenText(a)}): ${a.effect} → ${b.effect}` });
  }
  for (const r of before) changes.push({ kind: 'conditions', text: `conditions removed from ${r.effect} ${list(r.actions)} (was: ${whenText(r)})` });
  for (const r of after) changes.push({ kind: 'conditions', text: `conditions added to ${r.effect} ${list(r.actions)} (${whenText(r)})` });

  const oldAdvanced = saved.advanced.map(stableJson);
  const newAdvanced = edited.advanced.map(stableJson);
  pairOff(oldAdvanced, newAdvanced, (a, b) => a === b);
  for (const r of oldAdvanced) changes.push({ kind: 'advanced', text: `advanced rule removed: ${describeRule(JSON.parse(r) as PolicyRule, plugins)}` });
  for (const r of newAdvanced) changes.push({ kind: 'advanced', text: `advanced rule added: ${describeRule(JSON.parse(r) as PolicyRule, plugins)}` });
  return changes;
}

/** What changed between the policy as stored and as edited, in words. Regrouping alone is no change. */
export function diffRules(saved: readonly PolicyRule[], edited: readonly PolicyRule[], plugins: readonly CatalogPlugin[]): Change[] {
  return diffStates(rulesToState(saved, plugins), rulesToState(edited, plugins), plugins);
}

// ─── API errors, placed next to what they name ─────────────────────────────────────────────────────────────

export type ErrorTarget = { kind: 'pattern'; pattern: string } | { kind: 'scope'; scope: string } | { kind: 'conditional'; id: string } | { kind: 'advanced'; index: number };

/**
 * The part of the editor an API error is about: `rules[N]…` names the N-th rule sent (and `.actions[M]` one
 * of its patterns); `Not allowed: <action> …` (a grant the caller does not hold) names the allow covering it.
 */
export function locateError(message: string, sent: { rules: PolicyRule[]; origins: RuleOrigin[] }): ErrorTarget | null {
  const indexed = /\brules\[(\d+)\](?:\.actions\[(\d+)\])?/.exec(message);
  if (indexed) {
    const origin = sent.origins[Number(indexed[1])];
    if (!origin) return null;
    if (origin.kind === 'conditional') return { kind: 'conditional', id: origin.id };
    if (origin.kind === 'advanced') return { kind: 'advanced', index: origin.index };
    return patternTarget(origin, indexed[2] === undefined ? undefined : origin.patterns[Number(indexed[2])]);
  }
  const unheld = /^Not allowed: (\S+)/.exec(message);
  if (unheld) {
    const action = unheld[1]!;
    const i = sent.rules.findIndex((r, k) => r.effect === 'allow' && sent.origins[k]?.kind === 'settings' && r.actions.includes(action));
    const at = i >= 0 ? i : sent.rules.findIndex((r) => r.effect === 'allow' && r.actions.some((p) => covers(p, action)));
    const origin = sent.origins[at];
    if (!origin) return null;
    if (origin.kind === 'conditional') return { kind: 'conditional', id: origin.id };
    if (origin.kind === 'advanced') return { kind: 'advanced', index: origin.index };
    return patternTarget(origin, origin.patterns.includes(action) ? action : origin.patterns.find((p) => covers(p, action)));
  }
  return null;
}

/** The row of a pattern of a settings rule; the advanced rule for a pattern no row shows; else the scope. */
function patternTarget(origin: Extract<RuleOrigin, { kind: 'settings' }>, pattern: string | undefined): ErrorTarget {
  if (pattern && origin.advanced?.patterns.includes(pattern)) return { kind: 'advanced', index: origin.advanced.index };
  return pattern ? { kind: 'pattern', pattern } : { kind: 'scope', scope: origin.scope };
}

/** A stable string for an error target, to compare targets and build element ids. */
export function targetKey(target: ErrorTarget): string {
  switch (target.kind) {
    case 'pattern':
      return `pattern:${target.pattern}`;
    case 'scope':
      return `scope:${target.scope}`;
    case 'conditional':
      return `conditional:${target.id}`;
    case 'advanced':
      return `advanced:${target.index}`;
  }
}

// ─── Simulation (`POST …/permissions/simulate`) ────────────────────────────────────────────────────────────

export interface TraceEntry {
  rule: number;
  effect: Effect;
  covers_action: boolean;
  conditions_match: boolean | null;
  decisive: boolean;
}

export interface Simulation {
  allowed: boolean;
  reason: string;
  rule: number | null;
  key: { api_key: string; name: string; kind: string };
  environment: { id: string; cloud_name: string } | null;
  rules: PolicyRule[];
  trace: TraceEntry[];
}

export interface SimulateRequest {
  api_key: string;
  action: string;
  cloud_name?: string;
  resource?: Record<string, unknown>;
}

export function simulateRequest(apiKey: string, action: string, cloudName: string, resource: Record<string, unknown> | undefined): SimulateRequest {
  return { api_key: apiKey, action, ...(cloudName.trim() ? { cloud_name: cloudName.trim() } : {}), ...(resource ? { resource } : {}) };
}

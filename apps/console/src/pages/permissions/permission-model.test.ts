import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../api';
import { covers } from '../../rules';
import {
  addCondition,
  addConditionalRule,
  attributesForPatterns,
  type Catalog,
  type CatalogPlugin,
  commonAttributes,
  describeConditions,
  describeRule,
  diffRules,
  diffStates,
  type EditorState,
  emptyState,
  listConditions,
  locateError,
  operatorsFor,
  parseConditionsJson,
  parseConditionValue,
  parseResourceJson,
  patternsOf,
  pluginsFor,
  readRules,
  removeAdvancedRule,
  removeCondition,
  removeConditionalRule,
  renumbered,
  rulesToState,
  sameState,
  setSetting,
  simulateRequest,
  stableJson,
  stateToRules,
  stateToRulesWithOrigins,
  targetKey,
  updateConditionalRule,
  verdictFor,
} from './permission-model';

const folder = { name: 'folder', type: 'string' as const, description: 'Folder' };
const resourceType = { name: 'resource_type', type: 'string' as const, description: 'image, video or raw' };
const tags = { name: 'tags', type: 'string[]' as const, description: 'Tags' };
const bytes = { name: 'bytes', type: 'number' as const, description: 'Size' };
const publicIdNumber = { name: 'resource_type', type: 'number' as const, description: 'A clash of types' };

const catalog: Catalog = {
  plugins: [
    {
      name: 'provisioning',
      title: 'Provisioning API',
      description: "Castellan's own routes",
      actions: [
        { name: 'provisioning:sub_accounts.read', description: 'List and read product environments', attributes: [] },
        { name: 'provisioning:access_keys.permissions.update', description: 'Replace permissions', attributes: [] },
      ],
    },
    {
      name: 'upload',
      title: 'Upload API',
      description: 'Uploads',
      actions: [
        { name: 'upload:upload', description: 'Upload an asset', attributes: [folder, resourceType, tags, bytes] },
        { name: 'upload:destroy', description: 'Delete an asset', attributes: [folder, resourceType, tags] },
      ],
    },
    {
      name: 'admin',
      title: 'Admin API',
      description: 'Admin',
      actions: [
        { name: 'admin:resources.read', description: 'Read resources', attributes: [resourceType, folder] },
        { name: 'admin:resources.delete', description: 'Delete resources', attributes: [publicIdNumber, folder] },
      ],
    },
  ],
};
const account = pluginsFor(catalog, 'account');
const environment = pluginsFor(catalog, 'environment');

const allow = (...actions: string[]): PolicyRule => ({ effect: 'allow', actions });
const deny = (...actions: string[]): PolicyRule => ({ effect: 'deny', actions });
const prodOnly = { folder: { $regex: '^prod/' } };

/** What the editor shows of a state, without where its rules were stored. */
const shown = ({ stored: _, ...rest }: EditorState) => rest;

/**
 * What a policy decides, computed independently of the model: per catalogue action, an unconditional deny
 * decides everything; otherwise the conditional denies and the (unconditional or conditional) allows do.
 * Patterns outside the catalogue are compared as a set.
 */
function meaning(rules: readonly PolicyRule[], plugins: readonly CatalogPlugin[]) {
  const unconditional = (r: PolicyRule) => !r.conditions || Object.keys(r.conditions).length === 0;
  const actions = plugins.flatMap((p) => p.actions.map((a) => a.name));
  const known = new Set(patternsOf(plugins));
  const perAction = Object.fromEntries(
    actions.map((action) => {
      const matching = rules.filter((r) => r.actions.some((p) => known.has(p) && covers(p, action)));
      if (matching.some((r) => r.effect === 'deny' && unconditional(r))) return [action, 'DENY'];
      const conditionsOf = (effect: string) => [...new Set(matching.filter((r) => r.effect === effect && !unconditional(r)).map((r) => stableJson(r.conditions)))].sort();
      const allowed = matching.some((r) => r.effect === 'allow' && unconditional(r)) ? 'ALLOW' : conditionsOf('allow');
      return [action, { denyWhen: conditionsOf('deny'), allowed }];
    }),
  );
  const unknown = [...new Set(rules.flatMap((r) => r.actions.filter((p) => !known.has(p)).map((p) => `${r.effect}|${p}|${unconditional(r) ? '' : stableJson(r.conditions)}`)))].sort();
  return { perAction, unknown };
}

/** A small deterministic generator, so the property tests are repeatable. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPolicy(next: () => number, pool: string[]): PolicyRule[] {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const conditionChoices = [undefined, undefined, undefined, prodOnly, { resource_type: 'image' }, {}, { folder: { $in: ['a', 'b'] }, resource_type: { $ne: 'raw' } }];
  return Array.from({ length: Math.floor(next() * 7) }, () => {
    const actions = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(pool));
    const conditions = pick(conditionChoices);
    return { effect: next() < 0.6 ? 'allow' : 'deny', actions, ...(conditions === undefined ? {} : { conditions }) } as PolicyRule;
  });
}

/** Patterns random policies draw from: rows of both kinds of key, and patterns no row shows. */
const POOL = [
  ...['*', 'upload:*', 'admin:*', 'provisioning:*', 'upload:destroy', 'upload:upload', 'admin:resources.read', 'admin:resources.delete'],
  ...['provisioning:sub_accounts.read', 'video:transcode'],
];

describe('the catalogue for a kind of key', () => {
  it('hides the provisioning plugin from environment keys only', () => {
    expect(environment.map((p) => p.name)).toEqual(['upload', 'admin']);
    expect(account.map((p) => p.name)).toEqual(['provisioning', 'upload', 'admin']);
  });

  it('lists every pattern with a row: *, then per plugin its wildcard and its actions', () => {
    expect(patternsOf(environment)).toEqual(['*', 'upload:*', 'upload:upload', 'upload:destroy', 'admin:*', 'admin:resources.read', 'admin:resources.delete']);
  });

  it('offers only the attributes that every covered action declares with one type', () => {
    expect(commonAttributes(catalog.plugins[1]!.actions).map((a) => a.name)).toEqual(['folder', 'resource_type', 'tags']);
    expect(attributesForPatterns(['upload:destroy'], environment).map((a) => a.name)).toEqual(['folder', 'resource_type', 'tags']);
    // admin:resources.delete declares resource_type as a number: only folder is common to all four actions.
    expect(attributesForPatterns(['*'], environment).map((a) => a.name)).toEqual(['folder']);
    expect(attributesForPatterns(['provisioning:*'], account)).toEqual([]);
    expect(attributesForPatterns(['nothing:*'], account)).toEqual([]);
  });
});

describe('reading rules into the editor', () => {
  it("reads an environment key's default policy as two plugin wildcards", () => {
    const { state, notes } = readRules([allow('upload:*', 'admin:*')], environment);
    expect(state.settings).toEqual({
      '*': 'inherit',
      'upload:*': 'allow',
      'upload:upload': 'inherit',
      'upload:destroy': 'inherit',
      'admin:*': 'allow',
      'admin:resources.read': 'inherit',
      'admin:resources.delete': 'inherit',
    });
    expect(state.conditional).toEqual([]);
    expect(state.advanced).toEqual([]);
    expect(notes).toEqual([]);
  });

  it("reads an account key's default `allow *` as the All actions row", () => {
    const state = rulesToState([allow('*')], account);
    expect(state.settings['*']).toBe('allow');
    expect(Object.entries(state.settings).filter(([, s]) => s !== 'inherit')).toEqual([['*', 'allow']]);
  });

  it('splits an unconditional rule naming actions of several plugins into per-action settings', () => {
    const rules = [allow('upload:destroy', 'admin:resources.read', 'provisioning:*')];
    const { state, notes } = readRules(rules, account);
    expect(state.settings).toMatchObject({ 'upload:destroy': 'allow', 'admin:resources.read': 'allow', 'provisioning:*': 'allow' });
    expect(state.advanced).toEqual([]);
    expect(notes).toEqual([]);
    expect(meaning(stateToRules(state, account), account)).toEqual(meaning(rules, account));
  });

  it('keeps a rule with conditions whole, even across plugins, and never splits it', () => {
    const rules = [allow('upload:*'), { effect: 'deny' as const, actions: ['upload:destroy', 'admin:resources.delete'], conditions: prodOnly }];
    const state = rulesToState(rules, environment);
    expect(state.conditional).toEqual([{ id: 'conditional-0', effect: 'deny', actions: ['upload:destroy', 'admin:resources.delete'], conditions: prodOnly }]);
    expect(state.settings['upload:destroy']).toBe('inherit');
    expect(state.settings['admin:resources.delete']).toBe('inherit');
    expect(stateToRules(state, environment)).toEqual(rules);
  });

  it('treats empty conditions as none', () => {
    const state = rulesToState([{ effect: 'deny', actions: ['upload:destroy'], conditions: {} }], environment);
    expect(state.conditional).toEqual([]);
    expect(state.settings['upload:destroy']).toBe('deny');
  });

  it('shows duplicates once, says so, and writes them back as they were', () => {
    const rules = [allow('upload:destroy', 'upload:destroy'), allow('upload:destroy'), deny('admin:*'), deny('admin:*')];
    const { state, notes } = readRules(rules, environment);
    expect(state.settings['upload:destroy']).toBe('allow');
    expect(state.settings['admin:*']).toBe('deny');
    expect(stateToRules(state, environment)).toEqual(rules);
    expect(notes.map((n) => n.text)).toEqual([
      'Rule #0: upload:destroy is already allowed by rule #0; it is shown once.',
      'Rule #1: upload:destroy is already allowed by rule #0; it is shown once.',
      'Rule #3: admin:* is already denied by rule #2; it is shown once.',
    ]);
  });

  it('shows a pattern both allowed and denied as Deny, because the deny wins', () => {
    const rules = [allow('upload:destroy', 'upload:upload'), deny('upload:destroy')];
    const { state, notes } = readRules(rules, environment);
    expect(state.settings['upload:destroy']).toBe('deny');
    expect(state.settings['upload:upload']).toBe('allow');
    expect(notes).toEqual([{ rule: 0, text: 'upload:destroy is both allowed (rule #0) and denied (rule #1); the deny wins, so it shows as Deny.' }]);
    expect(meaning(stateToRules(state, environment), environment)).toEqual(meaning(rules, environment));
  });

  it('keeps patterns outside the catalogue as advanced rules, without moving them out of their rule', () => {
    const { state, notes } = readRules([allow('upload:upload', 'video:transcode', 'video:*'), deny('legacy:thing')], environment);
    expect(state.settings['upload:upload']).toBe('allow');
    expect(state.advanced).toEqual([allow('video:transcode', 'video:*'), deny('legacy:thing')]);
    expect(notes.map((n) => n.text)).toEqual([
      "Rule #0: video:transcode, video:* are not in this key's catalogue, so they are kept as an advanced rule.",
      "Rule #1: legacy:thing is not in this key's catalogue, so it is kept as an advanced rule.",
    ]);
    expect(stateToRules(state, environment)).toEqual([allow('upload:upload', 'video:transcode', 'video:*'), deny('legacy:thing')]);
    expect(stateToRules(removeAdvancedRule(state, 0), environment)).toEqual([allow('upload:upload'), deny('legacy:thing')]);
    expect(stateToRules(removeAdvancedRule(state, 1), environment)).toEqual([allow('upload:upload', 'video:transcode', 'video:*')]);
  });

  it("keeps provisioning actions on an environment key aside rather than showing or dropping them", () => {
    const state = rulesToState([allow('provisioning:sub_accounts.read', 'upload:*')], environment);
    expect(state.advanced).toEqual([allow('provisioning:sub_accounts.read')]);
    expect(state.settings['upload:*']).toBe('allow');
  });

  it('keeps a rule whose conditions are not an object verbatim', () => {
    const odd = { effect: 'deny', actions: ['upload:destroy'], conditions: 'folder' } as unknown as PolicyRule;
    const { state, notes } = readRules([odd], environment);
    expect(state.advanced).toEqual([odd]);
    expect(state.settings['upload:destroy']).toBe('inherit');
    expect(notes).toHaveLength(1);
    expect(stateToRules(state, environment)).toEqual([odd]);
  });

  it('drops a rule that names no action (it has no effect), and says so', () => {
    const { state, notes } = readRules([allow()], environment);
    expect(stateToRules(state, environment)).toEqual([]);
    expect(notes.map((n) => n.text)).toEqual(['Rule #0 names no action, so it has no effect and is dropped.']);
  });

  it('does not share objects with the rules it read', () => {
    const rules = [{ effect: 'deny' as const, actions: ['upload:destroy'], conditions: { folder: { $regex: '^a' } } }];
    const state = rulesToState(rules, environment);
    (state.conditional[0]!.conditions['folder'] as Record<string, string>)['$regex'] = '^b';
    expect(rules[0]!.conditions.folder.$regex).toBe('^a');
  });
});

describe('writing rules from the editor', () => {
  it('writes one allow and one deny rule per scope, in catalogue order, then conditions, then advanced rules', () => {
    let state = emptyState(account);
    state = setSetting(state, 'admin:resources.delete', 'deny');
    state = setSetting(state, 'upload:destroy', 'deny');
    state = setSetting(state, 'upload:*', 'allow');
    state = setSetting(state, '*', 'allow');
    state = setSetting(state, 'provisioning:sub_accounts.read', 'allow');
    state = addConditionalRule(state, { id: 'new-1', effect: 'allow', actions: ['admin:resources.read'], conditions: { resource_type: 'image' } });
    state = { ...state, advanced: [allow('video:*')] };
    expect(stateToRules(state, account)).toEqual([
      allow('*'),
      allow('provisioning:sub_accounts.read'),
      allow('upload:*'),
      deny('upload:destroy'),
      deny('admin:resources.delete'),
      { effect: 'allow', actions: ['admin:resources.read'], conditions: { resource_type: 'image' } },
      allow('video:*'),
    ]);
  });

  it('denies upload:destroy on top of the default as a rule of its own after it, as the browser test expects', () => {
    const state = setSetting(rulesToState([allow('upload:*', 'admin:*')], environment), 'upload:destroy', 'deny');
    expect(stateToRules(state, environment)).toEqual([allow('upload:*', 'admin:*'), deny('upload:destroy')]);
  });

  it('writes a rule with all its conditions removed as an unconditional rule', () => {
    const state = updateConditionalRule(rulesToState([{ effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly }], environment), 'conditional-0', { conditions: {} });
    expect(stateToRules(state, environment)).toEqual([deny('upload:destroy')]);
  });

  it('never writes more than 100 actions in a rule', () => {
    const big: CatalogPlugin = {
      name: 'big',
      title: 'Big',
      description: '',
      actions: Array.from({ length: 150 }, (_, i) => ({ name: `big:a${i}`, description: '', attributes: [] })),
    };
    let state = emptyState([big]);
    for (const a of big.actions) state = setSetting(state, a.name, 'allow');
    const { rules, origins } = stateToRulesWithOrigins(state, [big]);
    expect(rules.map((r) => r.actions.length)).toEqual([100, 50]);
    expect(origins[1]).toEqual({ kind: 'settings', scope: 'big', effect: 'allow', patterns: big.actions.slice(100).map((a) => a.name) });
    expect(shown(rulesToState(rules, [big]))).toEqual(shown(state));
  });

  it('ignores settings of patterns outside the catalogue', () => {
    const state = setSetting(emptyState(environment), 'video:*', 'allow');
    expect(stateToRules(state, environment)).toEqual([]);
  });

  it('edits without touching the state it was given', () => {
    const state = emptyState(environment);
    const frozen = structuredClone(state);
    setSetting(state, 'upload:*', 'deny');
    addConditionalRule(state, { id: 'x', effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly });
    removeAdvancedRule(state, 0);
    expect(state).toEqual(frozen);
    const withRule = addConditionalRule(state, { id: 'x', effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly });
    expect(removeConditionalRule(withRule, 'x')).toEqual(state);
    expect(removeAdvancedRule({ ...state, advanced: [allow('a:b'), allow('c:d')] }, 0).advanced).toEqual([allow('c:d')]);
  });
});

describe('round trips', () => {
  const examples: [string, PolicyRule[], CatalogPlugin[]][] = [
    ['environment default', [allow('upload:*', 'admin:*')], environment],
    ['account default', [allow('*')], account],
    ['empty policy', [], account],
    [
      'the README example',
      [allow('upload:*', 'admin:resources.read'), { effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly }],
      environment,
    ],
    ['mixed plugins, duplicates and conflicts', [allow('upload:destroy', 'admin:*', 'upload:destroy'), deny('admin:*', 'upload:upload'), allow('upload:upload')], environment],
    ['unknown patterns', [allow('video:*', 'upload:upload'), { effect: 'deny', actions: ['video:transcode'], conditions: { duration_seconds: { $gt: 60 } } }], environment],
    ['global deny with conditional allow', [deny('*'), { effect: 'allow', actions: ['*'], conditions: { folder: 'x' } }], account],
  ];

  it.each(examples)('%s: rules → state → rules means the same, and state → rules → state is the identity', (_name, rules, plugins) => {
    const state = rulesToState(rules, plugins);
    const written = stateToRules(state, plugins);
    expect(meaning(written, plugins)).toEqual(meaning(rules, plugins));
    expect(rulesToState(written, plugins)).toEqual(state);
    expect(stateToRules(rulesToState(written, plugins), plugins)).toEqual(written);
    expect(diffRules(rules, written, plugins)).toEqual([]);
  });

  it('holds for 500 random policies over both kinds of key', () => {
    const next = random(42);
    for (let i = 0; i < 500; i += 1) {
      const plugins = i % 2 ? account : environment;
      const rules = randomPolicy(next, POOL);
      const state = rulesToState(rules, plugins);
      const written = stateToRules(state, plugins);
      expect(meaning(written, plugins), JSON.stringify(rules)).toEqual(meaning(rules, plugins));
      expect(rulesToState(written, plugins), JSON.stringify(rules)).toEqual(state);
      expect(sameState(state, rulesToState(written, plugins), plugins)).toBe(true);
      expect(written.every((r) => r.actions.length > 0)).toBe(true);
    }
  });

  it('holds from states built in the editor, up to the ids of rules it added', () => {
    let state = emptyState(environment);
    state = setSetting(state, 'upload:*', 'allow');
    state = setSetting(state, 'admin:resources.delete', 'deny');
    state = addConditionalRule(state, { id: 'added-7', effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly });
    const again = rulesToState(stateToRules(state, environment), environment);
    expect(shown(again)).toEqual(shown({ ...state, conditional: [{ ...state.conditional[0]!, id: 'conditional-0' }] }));
    expect(sameState(state, again, environment)).toBe(true);
  });
});

describe('rule order: a rule keeps its number across a save', () => {
  const prodDeny: PolicyRule = { effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly };

  it('keeps a rule with conditions at its number when a setting changes (it moved from #1 to #3)', () => {
    const rules = [allow('upload:*', 'admin:*'), prodDeny, deny('admin:resources.delete')];
    const state = setSetting(setSetting(rulesToState(rules, environment), 'admin:resources.read', 'deny'), 'upload:upload', 'deny');
    const { rules: written, storedAt } = stateToRulesWithOrigins(state, environment);
    expect(written).toEqual([...rules, deny('upload:upload'), deny('admin:resources.read')]);
    expect(storedAt).toEqual([0, 1, 2, null, null]);
    expect(renumbered(state, environment)).toEqual([]);
  });

  it('writes each stored rule in its place as edited, and adds what is new after them', () => {
    const rules = [deny('admin:*'), allow('upload:upload', 'upload:destroy', 'admin:resources.read'), prodDeny, allow('*')];
    let state = rulesToState(rules, account);
    state = setSetting(state, 'upload:destroy', 'deny');
    state = setSetting(state, 'admin:*', 'allow');
    state = updateConditionalRule(state, 'conditional-0', { effect: 'allow' });
    state = addConditionalRule(state, { id: 'added-1', effect: 'deny', actions: ['upload:upload'], conditions: { folder: 'x' } });
    expect(stateToRules(state, account)).toEqual([
      allow('upload:upload', 'admin:resources.read'),
      { ...prodDeny, effect: 'allow' },
      allow('*'),
      deny('upload:destroy'),
      allow('admin:*'),
      { effect: 'deny', actions: ['upload:upload'], conditions: { folder: 'x' } },
    ]);
    // deny admin:* lost its only pattern: the rules after it move up by one, and say so.
    expect(renumbered(state, account)).toEqual([
      { from: 1, to: 0 },
      { from: 2, to: 1 },
      { from: 3, to: 2 },
    ]);
  });

  it('moves a pattern between stored rules of both effects rather than adding a rule', () => {
    const rules = [allow('upload:destroy', 'upload:upload'), deny('upload:destroy')];
    const state = rulesToState(rules, environment);
    expect(state.settings['upload:destroy']).toBe('deny');
    expect(stateToRules(state, environment)).toEqual(rules);
    expect(stateToRules(setSetting(state, 'upload:destroy', 'allow'), environment)).toEqual([allow('upload:destroy', 'upload:upload')]);
    expect(stateToRules(setSetting(state, 'upload:destroy', 'inherit'), environment)).toEqual([allow('upload:upload')]);
  });

  it('counts the rules it drops on reading as moves', () => {
    const state = rulesToState([allow(), prodDeny], environment);
    expect(stateToRules(state, environment)).toEqual([prodDeny]);
    expect(renumbered(state, environment)).toEqual([{ from: 1, to: 0 }]);
  });

  it('writes 500 random policies back exactly, in order', () => {
    const next = random(7);
    for (let i = 0; i < 500; i += 1) {
      const plugins = i % 2 ? account : environment;
      const rules = randomPolicy(next, POOL);
      expect(stateToRules(rulesToState(rules, plugins), plugins), JSON.stringify(rules)).toEqual(rules);
    }
  });

  it('keeps the stored rules in order through 500 random edits: they keep their place, lose patterns, or go', () => {
    const next = random(11);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const flip = (effect: 'allow' | 'deny') => (effect === 'allow' ? 'deny' : 'allow');
    for (let i = 0; i < 500; i += 1) {
      const plugins = i % 2 ? account : environment;
      const rules = randomPolicy(next, POOL);
      let state = rulesToState(rules, plugins);
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits -= 1) {
        const rule = state.conditional.length ? pick(state.conditional) : null;
        const choice = next();
        if (choice < 0.6) state = setSetting(state, pick(patternsOf(plugins)), pick(['allow', 'deny', 'inherit'] as const));
        else if (choice < 0.75 && rule) state = updateConditionalRule(state, rule.id, { effect: flip(rule.effect) });
        else if (choice < 0.9 && rule) state = removeConditionalRule(state, rule.id);
        else if (state.advanced.length) state = removeAdvancedRule(state, Math.floor(next() * state.advanced.length));
      }
      const why = JSON.stringify({ rules, state });
      const { rules: written, storedAt } = stateToRulesWithOrigins(state, plugins);
      const kept = storedAt.filter((at) => at !== null);
      expect(storedAt.slice(0, kept.length), why).toEqual(kept);
      expect([...kept].sort((a, b) => a - b), why).toEqual(kept);
      kept.forEach((at, k) => {
        const before = rules[at]!;
        const after = written[k]!;
        if (state.stored.some((s) => s.at === at && s.kind === 'conditional')) return;
        expect({ ...after, actions: [] }, why).toEqual({ ...before, actions: [] });
        expect(after.actions.every((p) => before.actions.includes(p)), why).toBe(true);
      });
      // What the editor shows, and what the rules decide, are what the canonical writing of the same state gives.
      const canonical = stateToRules({ ...state, stored: [] }, plugins);
      expect(meaning(written, plugins), why).toEqual(meaning(canonical, plugins));
      const again = rulesToState(written, plugins);
      expect(again.settings, why).toEqual(state.settings);
      expect(again.advanced, why).toEqual(state.advanced);
      expect(again.conditional.map(({ id: _, ...r }) => r), why).toEqual(state.conditional.map(({ id: _, ...r }) => r));
    }
  });
});

describe('the difference between two policies, in words', () => {
  const saved = [allow('upload:*', 'admin:*')];

  it('lists changed settings as "from → to"', () => {
    const edited = [allow('upload:*', 'upload:upload'), deny('upload:destroy'), deny('*')];
    expect(diffRules(saved, edited, environment)).toEqual([
      { kind: 'setting', text: '* : inherit → deny' },
      { kind: 'setting', text: 'upload:upload: inherit → allow' },
      { kind: 'setting', text: 'upload:destroy: inherit → deny' },
      { kind: 'setting', text: 'admin:* : allow → inherit' },
    ]);
  });

  it('finds no change in regrouping, reordering or duplicates', () => {
    expect(diffRules(saved, [allow('admin:*'), allow('upload:*'), allow('upload:*')], environment)).toEqual([]);
    const a = [{ effect: 'deny' as const, actions: ['upload:destroy', 'upload:upload'], conditions: { folder: 'x', resource_type: { $ne: 'raw', $in: ['image'] } } }];
    const b = [{ effect: 'deny' as const, actions: ['upload:upload', 'upload:destroy'], conditions: { resource_type: { $in: ['image'], $ne: 'raw' }, folder: 'x' } }];
    expect(diffRules(a, b, environment)).toEqual([]);
  });

  it('describes conditions added, removed, changed and a conditional rule whose effect changed', () => {
    const conditional = (effect: 'allow' | 'deny', actions: string[], conditions: Record<string, unknown>): PolicyRule => ({ effect, actions, conditions });
    expect(diffRules(saved, [...saved, conditional('deny', ['upload:destroy'], prodOnly)], environment)).toEqual([
      { kind: 'conditions', text: 'conditions added to deny upload:destroy (when folder matches ^prod/)' },
    ]);
    expect(diffRules([...saved, conditional('deny', ['upload:destroy'], prodOnly)], saved, environment)).toEqual([
      { kind: 'conditions', text: 'conditions removed from deny upload:destroy (was: when folder matches ^prod/)' },
    ]);
    expect(diffRules([conditional('deny', ['upload:destroy'], prodOnly)], [conditional('deny', ['upload:destroy'], { folder: { $regex: '^live/' }, tags: 'x' })], environment)).toEqual([
      { kind: 'conditions', text: 'conditions changed on deny upload:destroy: when folder matches ^prod/ → when folder matches ^live/ and tags contains "x"' },
    ]);
    expect(diffRules([conditional('allow', ['upload:destroy'], prodOnly)], [conditional('deny', ['upload:destroy'], prodOnly)], environment)).toEqual([
      { kind: 'conditions', text: 'rule with conditions on upload:destroy (when folder matches ^prod/): allow → deny' },
    ]);
  });

  it('shows clearing the conditions of a deny as the unconditional deny it becomes', () => {
    const before = rulesToState([{ effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly }], environment);
    const after = updateConditionalRule(before, 'conditional-0', { conditions: {} });
    expect(diffRules(stateToRules(before, environment), stateToRules(after, environment), environment).map((c) => c.text)).toEqual([
      'upload:destroy: inherit → deny',
      'conditions removed from deny upload:destroy (was: when folder matches ^prod/)',
    ]);
  });

  it('pairs repeated conditional rules one to one', () => {
    const r = { effect: 'deny' as const, actions: ['upload:destroy'], conditions: prodOnly };
    expect(diffRules([r, r], [r], environment).map((c) => c.text)).toEqual(['conditions removed from deny upload:destroy (was: when folder matches ^prod/)']);
  });

  it('lists advanced rules added and removed', () => {
    expect(diffRules([allow('video:*')], [deny('video:transcode')], environment)).toEqual([
      { kind: 'advanced', text: 'advanced rule removed: allow video:*' },
      { kind: 'advanced', text: 'advanced rule added: deny video:transcode' },
    ]);
  });

  it('compares editor states directly, in display order', () => {
    const a = rulesToState(saved, account);
    const b = setSetting(setSetting(a, 'provisioning:sub_accounts.read', 'allow'), '*', 'deny');
    expect(diffStates(a, b, account).map((c) => c.text)).toEqual(['* : inherit → deny', 'provisioning:sub_accounts.read: inherit → allow']);
    expect(sameState(a, b, account)).toBe(false);
    // The same decisions in another order are another policy to store (the rule numbers differ), with nothing to describe.
    const reordered = rulesToState([allow('admin:*'), allow('upload:*')], account);
    expect(sameState(a, reordered, account)).toBe(false);
    expect(diffStates(a, reordered, account)).toEqual([]);
  });
});

describe('conditions', () => {
  it('offers the operators the API accepts for each type', () => {
    expect(operatorsFor('string').map((o) => o.value)).toEqual(['equals', '$ne', '$in', '$nin', '$regex', '$lt', '$lte', '$gt', '$gte', '$exists']);
    expect(operatorsFor('number').map((o) => o.value)).not.toContain('$regex');
    expect(operatorsFor('boolean').map((o) => o.value)).toEqual(['equals', '$ne', '$exists']);
    expect(operatorsFor('string[]').map((o) => o.value)).toEqual(['equals', '$ne', '$in', '$nin', '$all', '$size', '$exists']);
    expect(operatorsFor('string[]')[0]!.label).toBe('contains');
  });

  it('parses typed values', () => {
    expect(parseConditionValue('equals', 'string', 'prod/cats')).toEqual({ ok: true, value: 'prod/cats' });
    expect(parseConditionValue('equals', 'string', '')).toMatchObject({ ok: false });
    expect(parseConditionValue('$lt', 'number', ' 1024 ')).toEqual({ ok: true, value: 1024 });
    expect(parseConditionValue('$lt', 'number', 'many')).toEqual({ ok: false, error: '"many" is not a number' });
    expect(parseConditionValue('$lt', 'number', '')).toMatchObject({ ok: false });
    expect(parseConditionValue('equals', 'boolean', 'false')).toEqual({ ok: true, value: false });
    expect(parseConditionValue('equals', 'boolean', 'no')).toMatchObject({ ok: false });
    expect(parseConditionValue('$in', 'string', 'image, video,,raw ')).toEqual({ ok: true, value: ['image', 'video', 'raw'] });
    expect(parseConditionValue('$in', 'number', '1, 2')).toEqual({ ok: true, value: [1, 2] });
    expect(parseConditionValue('$in', 'number', '1, x')).toMatchObject({ ok: false });
    expect(parseConditionValue('$all', 'string[]', 'a,b')).toEqual({ ok: true, value: ['a', 'b'] });
    expect(parseConditionValue('$nin', 'string', ' , ')).toMatchObject({ ok: false });
    expect(parseConditionValue('equals', 'string[]', 'cat')).toEqual({ ok: true, value: 'cat' });
    expect(parseConditionValue('$exists', 'string', 'true')).toEqual({ ok: true, value: true });
    expect(parseConditionValue('$size', 'string[]', '3')).toEqual({ ok: true, value: 3 });
    expect(parseConditionValue('$size', 'string[]', '-1')).toMatchObject({ ok: false });
    expect(parseConditionValue('$regex', 'string', '^prod/')).toEqual({ ok: true, value: '^prod/' });
    expect(parseConditionValue('$regex', 'string', '(')).toEqual({ ok: false, error: 'This is not a valid regular expression' });
  });

  it('adds, lists and removes conditions', () => {
    let c = addCondition({}, 'folder', '$regex', '^prod/');
    expect(c).toEqual({ folder: { $regex: '^prod/' } });
    c = addCondition(c, 'folder', '$ne', 'prod/keep');
    c = addCondition(c, 'resource_type', 'equals', 'image');
    expect(c).toEqual({ folder: { $regex: '^prod/', $ne: 'prod/keep' }, resource_type: 'image' });
    // An operator next to a plain value keeps the value as $eq; a plain value next to operators becomes $eq.
    expect(addCondition(c, 'resource_type', '$ne', 'raw')).toEqual({ ...c, resource_type: { $eq: 'image', $ne: 'raw' } });
    expect(addCondition(c, 'folder', 'equals', 'x')).toEqual({ ...c, folder: { $regex: '^prod/', $ne: 'prod/keep', $eq: 'x' } });
    expect(listConditions(c)).toEqual([
      { attribute: 'folder', operator: '$regex', value: '^prod/' },
      { attribute: 'folder', operator: '$ne', value: 'prod/keep' },
      { attribute: 'resource_type', operator: 'equals', value: 'image' },
    ]);
    expect(removeCondition(c, 'folder', '$ne')).toEqual({ folder: { $regex: '^prod/' }, resource_type: 'image' });
    expect(removeCondition(removeCondition(c, 'folder', '$ne'), 'folder', '$regex')).toEqual({ resource_type: 'image' });
    expect(removeCondition(c, 'resource_type', 'equals')).toEqual({ folder: { $regex: '^prod/', $ne: 'prod/keep' } });
  });

  it('describes conditions in words', () => {
    expect(describeConditions({ folder: { $regex: '^prod/' }, resource_type: { $in: ['image', 'video'] }, bytes: { $gte: 10, $lt: 20 } })).toBe(
      'folder matches ^prod/ and resource_type is one of ["image", "video"] and bytes ≥ 10 and bytes < 20',
    );
    expect(describeConditions({ tags: 'cat' }, (a) => (a === 'tags' ? 'string[]' : undefined))).toBe('tags contains "cat"');
    expect(describeConditions({ tags: { $elemMatch: { $regex: '^x' } }, folder: { $exists: false }, n: { $size: 1 } })).toBe(
      'tags has an item where it matches ^x and folder is missing and n has 1 item',
    );
    expect(describeConditions({})).toBe('always');
    expect(describeRule({ effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly })).toBe('deny upload:destroy when folder matches ^prod/');
    expect(describeRule(allow('upload:*', 'admin:*'))).toBe('allow upload:*, admin:*');
  });

  it('reads the Conditions (JSON) and Resource (JSON) fields', () => {
    expect(parseConditionsJson('{"folder": {"$regex": "^prod/"}}')).toEqual({ ok: true, value: prodOnly });
    expect(parseConditionsJson('  ')).toEqual({ ok: true, value: {} });
    expect(parseConditionsJson('[1]')).toMatchObject({ ok: false });
    expect(parseConditionsJson('{"folder":')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not valid JSON/) });
    expect(parseResourceJson('')).toEqual({ ok: true, value: undefined });
    expect(parseResourceJson('{"folder":"prod/x"}')).toEqual({ ok: true, value: { folder: 'prod/x' } });
    expect(parseResourceJson('"x"')).toMatchObject({ ok: false });
    expect(parseResourceJson('{oops}')).toMatchObject({ ok: false });
  });
});

describe('what each action ends up as', () => {
  it('follows deny over allow, and narrower rows over nothing', () => {
    let state = rulesToState([allow('upload:*'), deny('admin:*'), { effect: 'deny', actions: ['upload:upload'], conditions: prodOnly }], environment);
    expect(verdictFor(state, 'upload:destroy')).toEqual({ result: 'permitted', text: 'Permitted (upload:*)' });
    expect(verdictFor(state, 'upload:upload')).toMatchObject({ result: 'conditional' });
    expect(verdictFor(state, 'admin:resources.read')).toEqual({ result: 'refused', text: 'Refused (admin:*)' });
    state = setSetting(state, 'upload:destroy', 'deny');
    expect(verdictFor(state, 'upload:destroy')).toEqual({ result: 'refused', text: 'Refused (its own rule)' });
    state = setSetting(emptyState(environment), '*', 'allow');
    expect(verdictFor(state, 'admin:resources.read')).toEqual({ result: 'permitted', text: 'Permitted (All actions (*))' });
    expect(verdictFor(emptyState(environment), 'upload:upload')).toEqual({ result: 'none', text: 'Refused: no rule permits it' });
    expect(verdictFor(rulesToState([{ effect: 'allow', actions: ['*'], conditions: { folder: 'x' } }], environment), 'upload:upload')).toMatchObject({ result: 'conditional' });
  });
});

describe('placing API errors next to the rule they name', () => {
  const stored = [allow('upload:*', 'admin:*'), allow('video:*'), deny('admin:resources.read', 'video:transcode')];
  const state: EditorState = addConditionalRule(setSetting(rulesToState(stored, environment), 'upload:destroy', 'deny'), {
    id: 'added-1',
    effect: 'deny',
    actions: ['upload:destroy'],
    conditions: { folder: { $where: 'x' } },
  });
  const sent = stateToRulesWithOrigins(state, environment);

  it('maps rules[N] back to the row, the rule with conditions or the advanced rule', () => {
    const added = { effect: 'deny', actions: ['upload:destroy'], conditions: { folder: { $where: 'x' } } };
    expect(sent.rules).toEqual([...stored, deny('upload:destroy'), added]);
    const conditionError = 'rules[4].conditions.folder.$where: operator $where is not allowed on string attribute "folder"';
    expect(locateError(conditionError, sent)).toEqual({ kind: 'conditional', id: 'added-1' });
    expect(locateError('rules[1].actions[0]: unknown action "video:*"', sent)).toEqual({ kind: 'advanced', index: 0 });
    expect(locateError('rules[2].actions[1]: unknown action "video:transcode"', sent)).toEqual({ kind: 'advanced', index: 1 });
    expect(locateError('rules[2].actions[0]: something about it', sent)).toEqual({ kind: 'pattern', pattern: 'admin:resources.read' });
    expect(locateError('rules[3].actions[0]: not allowed', sent)).toEqual({ kind: 'pattern', pattern: 'upload:destroy' });
    expect(locateError('rules[0]: must be an object', sent)).toEqual({ kind: 'scope', scope: 'upload' });
    expect(locateError('rules[2]: must be an object', sent)).toEqual({ kind: 'scope', scope: 'admin' });
    expect(locateError('rules[9].effect: must be "allow" or "deny"', sent)).toBeNull();
    expect(locateError('rules: may hold at most 100 rules', sent)).toBeNull();
    expect(locateError('Castellan cannot be reached.', sent)).toBeNull();
  });

  it('maps a grant the caller does not hold to the allow that grants it', () => {
    expect(locateError('Not allowed: admin:* cannot be granted by a key that does not hold it', sent)).toEqual({ kind: 'pattern', pattern: 'admin:*' });
    expect(locateError('Not allowed: upload:upload cannot be granted by a key that does not hold it', sent)).toEqual({ kind: 'pattern', pattern: 'upload:*' });
    const conditional = stateToRulesWithOrigins(addConditionalRule(emptyState(environment), { id: 'c', effect: 'allow', actions: ['upload:upload'], conditions: prodOnly }), environment);
    expect(locateError('Not allowed: upload:upload cannot be granted by a key that does not hold it', conditional)).toEqual({ kind: 'conditional', id: 'c' });
    expect(locateError('Not allowed: provisioning:users.read cannot be granted', sent)).toBeNull();
  });

  it('names targets by a stable key', () => {
    expect(targetKey({ kind: 'pattern', pattern: 'upload:destroy' })).toBe('pattern:upload:destroy');
    expect(targetKey({ kind: 'conditional', id: 'c' })).toBe('conditional:c');
    expect(targetKey({ kind: 'advanced', index: 2 })).toBe('advanced:2');
    expect(targetKey({ kind: 'scope', scope: 'admin' })).toBe('scope:admin');
  });
});

describe('the try-it request', () => {
  it('sends only what was given', () => {
    expect(simulateRequest('814', 'upload:destroy', '  ', undefined)).toEqual({ api_key: '814', action: 'upload:destroy' });
    expect(simulateRequest('814', 'upload:destroy', ' product1 ', { folder: 'prod/x' })).toEqual({
      api_key: '814',
      action: 'upload:destroy',
      cloud_name: 'product1',
      resource: { folder: 'prod/x' },
    });
  });
});

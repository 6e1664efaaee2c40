import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../api';
import { type CatalogPlugin, patternsOf } from './catalogue';
import { diffRules } from './changes';
import { addConditionalRule, removeAdvancedRule, removeConditionalRule, setSetting, updateConditionalRule } from './editing';
import { emptyState, readRules, renumbered, rulesToState, sameState, stateToRules, stateToRulesWithOrigins } from './policy-state';
import { account, allow, deny, environment, meaning, POOL, prodOnly, random, randomPolicy, shown } from './test-fixtures';

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
    const rules = [
      allow('upload:*'),
      { effect: 'deny' as const, actions: ['upload:destroy', 'admin:resources.delete'], conditions: prodOnly },
    ];
    const state = rulesToState(rules, environment);
    expect(state.conditional).toEqual([
      { id: 'conditional-0', effect: 'deny', actions: ['upload:destroy', 'admin:resources.delete'], conditions: prodOnly },
    ]);
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
    expect(notes).toEqual([
      { rule: 0, text: 'upload:destroy is both allowed (rule #0) and denied (rule #1); the deny wins, so it shows as Deny.' },
    ]);
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

  it('keeps provisioning actions on an environment key aside rather than showing or dropping them', () => {
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
    state = addConditionalRule(state, {
      id: 'new-1',
      effect: 'allow',
      actions: ['admin:resources.read'],
      conditions: { resource_type: 'image' },
    });
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
    const state = updateConditionalRule(
      rulesToState([{ effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly }], environment),
      'conditional-0',
      { conditions: {} },
    );
    expect(stateToRules(state, environment)).toEqual([deny('upload:destroy')]);
  });

  it('never writes more than 100 actions in a rule', () => {
    const big: CatalogPlugin = {
      name: 'big',
      title: 'Big',
      description: '',
      actions: Array.from({ length: 150 }, (_, i) => ({
        name: `big:a${i}`,
        description: '',
        attributes: [],
        scope: 'environment' as const,
      })),
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
    [
      'mixed plugins, duplicates and conflicts',
      [allow('upload:destroy', 'admin:*', 'upload:destroy'), deny('admin:*', 'upload:upload'), allow('upload:upload')],
      environment,
    ],
    [
      'unknown patterns',
      [allow('video:*', 'upload:upload'), { effect: 'deny', actions: ['video:transcode'], conditions: { duration_seconds: { $gt: 60 } } }],
      environment,
    ],
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
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
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
      expect(
        [...kept].sort((a, b) => a - b),
        why,
      ).toEqual(kept);
      kept.forEach((at, k) => {
        const before = rules[at]!;
        const after = written[k]!;
        if (state.stored.some((s) => s.at === at && s.kind === 'conditional')) return;
        expect({ ...after, actions: [] }, why).toEqual({ ...before, actions: [] });
        expect(
          after.actions.every((p) => before.actions.includes(p)),
          why,
        ).toBe(true);
      });
      // What the editor shows, and what the rules decide, are what the canonical writing of the same state gives.
      const canonical = stateToRules({ ...state, stored: [] }, plugins);
      expect(meaning(written, plugins), why).toEqual(meaning(canonical, plugins));
      const again = rulesToState(written, plugins);
      expect(again.settings, why).toEqual(state.settings);
      expect(again.advanced, why).toEqual(state.advanced);
      expect(
        again.conditional.map(({ id: _, ...r }) => r),
        why,
      ).toEqual(state.conditional.map(({ id: _, ...r }) => r));
    }
  });
});

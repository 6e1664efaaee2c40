import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../api';
import { diffRules, diffStates } from './changes';
import { setSetting, updateConditionalRule } from './editing';
import { rulesToState, sameState, stateToRules } from './policy-state';
import { account, allow, deny, environment, prodOnly } from './test-fixtures';

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
    const a = [
      {
        effect: 'deny' as const,
        actions: ['upload:destroy', 'upload:upload'],
        conditions: { folder: 'x', resource_type: { $ne: 'raw', $in: ['image'] } },
      },
    ];
    const b = [
      {
        effect: 'deny' as const,
        actions: ['upload:upload', 'upload:destroy'],
        conditions: { resource_type: { $in: ['image'], $ne: 'raw' }, folder: 'x' },
      },
    ];
    expect(diffRules(a, b, environment)).toEqual([]);
  });

  it('describes conditions added, removed, changed and a conditional rule whose effect changed', () => {
    const conditional = (effect: 'allow' | 'deny', actions: string[], conditions: Record<string, unknown>): PolicyRule => ({
      effect,
      actions,
      conditions,
    });
    expect(diffRules(saved, [...saved, conditional('deny', ['upload:destroy'], prodOnly)], environment)).toEqual([
      { kind: 'conditions', text: 'conditions added to deny upload:destroy (when folder matches ^prod/)' },
    ]);
    expect(diffRules([...saved, conditional('deny', ['upload:destroy'], prodOnly)], saved, environment)).toEqual([
      { kind: 'conditions', text: 'conditions removed from deny upload:destroy (was: when folder matches ^prod/)' },
    ]);
    expect(
      diffRules(
        [conditional('deny', ['upload:destroy'], prodOnly)],
        [conditional('deny', ['upload:destroy'], { folder: { $regex: '^live/' }, tags: 'x' })],
        environment,
      ),
    ).toEqual([
      {
        kind: 'conditions',
        text: 'conditions changed on deny upload:destroy: when folder matches ^prod/ → when folder matches ^live/ and tags contains "x"',
      },
    ]);
    expect(
      diffRules([conditional('allow', ['upload:destroy'], prodOnly)], [conditional('deny', ['upload:destroy'], prodOnly)], environment),
    ).toEqual([{ kind: 'conditions', text: 'rule with conditions on upload:destroy (when folder matches ^prod/): allow → deny' }]);
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
    expect(diffRules([r, r], [r], environment).map((c) => c.text)).toEqual([
      'conditions removed from deny upload:destroy (was: when folder matches ^prod/)',
    ]);
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

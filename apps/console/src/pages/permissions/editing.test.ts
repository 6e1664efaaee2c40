import { describe, expect, it } from 'vitest';
import { addConditionalRule, removeAdvancedRule, removeConditionalRule, setSetting } from './editing';
import { emptyState } from './policy-state';
import { allow, environment, prodOnly } from './test-fixtures';

describe('editing', () => {
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

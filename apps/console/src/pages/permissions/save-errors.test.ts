import { describe, expect, it } from 'vitest';
import { addConditionalRule, setSetting } from './editing';
import { type EditorState, emptyState, rulesToState, stateToRulesWithOrigins } from './policy-state';
import { locateError, targetKey } from './save-errors';
import { allow, deny, environment, prodOnly } from './test-fixtures';

describe('placing API errors next to the rule they name', () => {
  const stored = [allow('upload:*', 'admin:*'), allow('video:*'), deny('admin:resources.read', 'video:transcode')];
  const state: EditorState = addConditionalRule(setSetting(rulesToState(stored, environment), 'upload:destroy', 'deny'), {
    id: 'added-1',
    effect: 'deny',
    actions: ['upload:destroy'],
    conditions: { folder: { $where: 'x' } },
  });
  const sent = stateToRulesWithOrigins(state, environment);

  /** A refusal of the body at `path`; the message says what the API says, which the placing does not read. */
  const at = (path: string) => ({ message: `${path}: refused`, path });

  it("maps the error's path, rules[N], back to the row, the rule with conditions or the advanced rule", () => {
    const added = { effect: 'deny', actions: ['upload:destroy'], conditions: { folder: { $where: 'x' } } };
    expect(sent.rules).toEqual([...stored, deny('upload:destroy'), added]);
    expect(locateError(at('rules[4].conditions.folder.$where'), sent)).toEqual({ kind: 'conditional', id: 'added-1' });
    expect(locateError(at('rules[1].actions[0]'), sent)).toEqual({ kind: 'advanced', index: 0 });
    expect(locateError(at('rules[2].actions[1]'), sent)).toEqual({ kind: 'advanced', index: 1 });
    expect(locateError(at('rules[2].actions[0]'), sent)).toEqual({ kind: 'pattern', pattern: 'admin:resources.read' });
    expect(locateError(at('rules[3].actions[0]'), sent)).toEqual({ kind: 'pattern', pattern: 'upload:destroy' });
    expect(locateError(at('rules[0]'), sent)).toEqual({ kind: 'scope', scope: 'upload' });
    expect(locateError(at('rules[2]'), sent)).toEqual({ kind: 'scope', scope: 'admin' });
    expect(locateError(at('rules[9].effect'), sent)).toBeNull();
    expect(locateError(at('rules'), sent)).toBeNull();
    expect(locateError(at('roles'), sent)).toBeNull();
    expect(locateError({}, sent)).toBeNull();
  });

  it('maps a grant the caller does not hold (a 403 with its action, without a path) to the allow that grants it', () => {
    const unheld = (action: string) => ({ action });
    expect(locateError(unheld('admin:*'), sent)).toEqual({ kind: 'pattern', pattern: 'admin:*' });
    expect(locateError(unheld('upload:upload'), sent)).toEqual({ kind: 'pattern', pattern: 'upload:*' });
    const conditional = stateToRulesWithOrigins(
      addConditionalRule(emptyState(environment), { id: 'c', effect: 'allow', actions: ['upload:upload'], conditions: prodOnly }),
      environment,
    );
    expect(locateError(unheld('upload:upload'), conditional)).toEqual({ kind: 'conditional', id: 'c' });
    expect(locateError(unheld('provisioning:users.read'), sent)).toBeNull();
  });

  it('names targets by a stable key', () => {
    expect(targetKey({ kind: 'pattern', pattern: 'upload:destroy' })).toBe('pattern:upload:destroy');
    expect(targetKey({ kind: 'conditional', id: 'c' })).toBe('conditional:c');
    expect(targetKey({ kind: 'advanced', index: 2 })).toBe('advanced:2');
    expect(targetKey({ kind: 'scope', scope: 'admin' })).toBe('scope:admin');
  });
});

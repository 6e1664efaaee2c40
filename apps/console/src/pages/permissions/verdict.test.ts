import { describe, expect, it } from 'vitest';
import { setSetting } from './editing';
import { emptyState, rulesToState } from './policy-state';
import { allow, deny, environment, prodOnly } from './test-fixtures';
import { verdictFor } from './verdict';

describe('what each action ends up as', () => {
  it('follows deny over allow, and narrower rows over nothing', () => {
    let state = rulesToState(
      [allow('upload:*'), deny('admin:*'), { effect: 'deny', actions: ['upload:upload'], conditions: prodOnly }],
      environment,
    );
    expect(verdictFor(state, 'upload:destroy')).toEqual({ result: 'permitted', text: 'Permitted (upload:*)' });
    expect(verdictFor(state, 'upload:upload')).toMatchObject({ result: 'conditional' });
    expect(verdictFor(state, 'admin:resources.read')).toEqual({ result: 'refused', text: 'Refused (admin:*)' });
    state = setSetting(state, 'upload:destroy', 'deny');
    expect(verdictFor(state, 'upload:destroy')).toEqual({ result: 'refused', text: 'Refused (its own rule)' });
    state = setSetting(emptyState(environment), '*', 'allow');
    expect(verdictFor(state, 'admin:resources.read')).toEqual({ result: 'permitted', text: 'Permitted (All actions (*))' });
    expect(verdictFor(emptyState(environment), 'upload:upload')).toEqual({ result: 'none', text: 'Refused: no rule permits it' });
    expect(
      verdictFor(rulesToState([{ effect: 'allow', actions: ['*'], conditions: { folder: 'x' } }], environment), 'upload:upload'),
    ).toMatchObject({ result: 'conditional' });
  });
});

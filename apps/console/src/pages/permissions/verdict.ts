import { covers } from '../../rules';
import { GLOBAL, pluginOf, wildcardOf } from './catalogue';
import type { EditorState } from './policy-state';

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
  if (conditional.some((r) => r.effect === 'allow'))
    return { result: 'conditional', text: 'Permitted only when an allow condition matches' };
  return { result: 'none', text: 'Refused: no rule permits it' };
}

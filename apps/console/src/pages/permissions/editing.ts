/** The edits the permission editor makes to its state, each giving a new state. */
import type { ConditionalRule, EditorState, Setting, StoredRule } from './policy-state';

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

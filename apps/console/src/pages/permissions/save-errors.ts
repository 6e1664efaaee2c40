/** API errors of a save, placed next to the part of the editor they are about. */
import { pathSegments, type PolicyRule } from '../../api';
import { covers } from '../../rules';
import type { RuleOrigin } from './policy-state';

export type ErrorTarget =
  | { kind: 'pattern'; pattern: string }
  | { kind: 'scope'; scope: string }
  | { kind: 'conditional'; id: string }
  | { kind: 'advanced'; index: number };

/** Where an origin's error shows: its rule with conditions, its advanced rule, or (settings) one of its rows. */
function originTarget(origin: RuleOrigin, pattern: (origin: Extract<RuleOrigin, { kind: 'settings' }>) => string | undefined): ErrorTarget {
  if (origin.kind === 'conditional') return { kind: 'conditional', id: origin.id };
  if (origin.kind === 'advanced') return { kind: 'advanced', index: origin.index };
  return patternTarget(origin, pattern(origin));
}

/**
 * The part of the editor an API error is about. A refused rule is where the error's `path` says: `rules[N]` is the
 * N-th rule sent, and `rules[N].actions[M]` one of its patterns. A grant the caller does not hold (a 403, which has
 * no path) is about the allow that grants the error's `action`.
 */
export function locateError(
  error: { path?: string; action?: string },
  sent: { rules: PolicyRule[]; origins: RuleOrigin[] },
): ErrorTarget | null {
  if (error.path !== undefined) {
    const [field, rule, part, index] = pathSegments(error.path);
    const origin = field === 'rules' && typeof rule === 'number' ? sent.origins[rule] : undefined;
    if (!origin) return null;
    return originTarget(origin, (o) => (part === 'actions' && typeof index === 'number' ? o.patterns[index] : undefined));
  }
  const action = error.action;
  if (action === undefined) return null;
  const i = sent.rules.findIndex((r, k) => r.effect === 'allow' && sent.origins[k]?.kind === 'settings' && r.actions.includes(action));
  const at = i >= 0 ? i : sent.rules.findIndex((r) => r.effect === 'allow' && r.actions.some((p) => covers(p, action)));
  const origin = sent.origins[at];
  if (!origin) return null;
  return originTarget(origin, (o) => (o.patterns.includes(action) ? action : o.patterns.find((p) => covers(p, action))));
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

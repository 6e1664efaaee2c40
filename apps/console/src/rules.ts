import type { PolicyRule } from './api';

/** Whether a rule's action pattern (`*`, `provisioning:*`, `provisioning:sub_accounts.read`) covers an action. */
export function covers(pattern: string, action: string): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1));
}

/**
 * What the console shows: an action some rule allows and no unconditional rule denies. A conditional deny
 * depends on the resource, so the console shows the control and the API decides.
 */
export function mayPerform(rules: PolicyRule[], action: string): boolean {
  const matching = rules.filter((rule) => rule.actions.some((pattern) => covers(pattern, action)));
  return matching.some((r) => r.effect === 'allow') && !matching.some((r) => r.effect === 'deny' && !r.conditions);
}

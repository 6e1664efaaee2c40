/** Whether a rule's action pattern (`*`, `provisioning:*`, `provisioning:sub_accounts.read`) covers an action. */
export function covers(pattern: string, action: string): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1));
}

import type { PolicyRule } from '../../api';

/** Rules read-only: one line per rule, its effect, actions, and conditions as JSON. */
export function RuleList({ rules }: { rules: PolicyRule[] }) {
  if (rules.length === 0) return <span className="muted">No rules</span>;
  return (
    <ul className="rule-list">
      {rules.map((rule, i) => (
        <li key={i}>
          <span className={`badge ${rule.effect}`}>{rule.effect === 'allow' ? 'Allow' : 'Deny'}</span>
          <code>{rule.actions.join(', ')}</code>
          {rule.conditions ? <span className="muted">when {JSON.stringify(rule.conditions)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

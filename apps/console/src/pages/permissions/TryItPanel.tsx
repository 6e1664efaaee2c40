import { type FormEvent, useId, useState } from 'react';
import { errorMessage, type PolicyRule } from '../../api';
import { ErrorMessage, Field } from '../../components/ui';
import { useSession } from '../../session';
import type { CatalogPlugin } from './catalogue';
import { describeRule } from './conditions';
import { parseResourceJson, simulateRequest, type Simulation } from './simulation';

const yesNo = (v: boolean | null): string => (v === null ? '—' : v ? 'yes' : 'no');

/** A value of each attribute type, for the resource field's example. */
const EXAMPLE_VALUE: Record<string, string> = { number: '10', boolean: 'true', 'string[]': '["a"]' };

/** What a decisive rule index that is out of range describes: a rule that allows nothing. */
const NO_RULE: PolicyRule = { effect: 'allow', actions: [] };

/**
 * "Try it": the decision the API makes for this key, from `POST {accountPath}/permissions/simulate`, with
 * the trace of every rule. It uses the rules as stored, not the edits on the page.
 */
export function TryItPanel({ apiKey, plugins, pending }: { apiKey: string; plugins: CatalogPlugin[]; pending: boolean }) {
  const { api, accountPath, can } = useSession();
  const headingId = useId();
  const actions = plugins.flatMap((p) => p.actions);
  const [action, setAction] = useState(actions[0]?.name ?? '');
  const [resource, setResource] = useState('');
  const [resourceError, setResourceError] = useState<string | null>(null);
  const [cloudName, setCloudName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Simulation | null>(null);
  const mayTry = can('provisioning:permissions.simulate');
  const attributes = actions.find((a) => a.name === action)?.attributes ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseResourceJson(resource);
    if (!parsed.ok) {
      setResourceError(parsed.error);
      // The last answer was to another request: left on screen, it would read as this one's.
      setResult(null);
      setError(null);
      return;
    }
    setResourceError(null);
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await api.post<Simulation>(`${accountPath}/permissions/simulate`, simulateRequest(apiKey, action, cloudName, parsed.value)),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel perm-try" aria-labelledby={headingId}>
      <h2 id={headingId}>Try it</h2>
      <p>
        Uses the rules stored for this key: a change on this page counts here once you save it.
        {pending ? <strong className="perm-pending"> Your current changes are not stored yet.</strong> : null}
      </p>
      {!mayTry ? (
        <p className="muted">
          Your key may not simulate decisions (<code>provisioning:permissions.simulate</code>).
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          <div className="perm-try-fields">
            <Field label="Action">
              {(props) => (
                <select {...props} value={action} onChange={(e) => setAction(e.target.value)}>
                  {plugins.map((p) => (
                    <optgroup key={p.name} label={p.title}>
                      {p.actions.map((a) => (
                        <option key={a.name} value={a.name}>
                          {a.name}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Cloud name" hint="Optional: the product environment the call is for">
              {(props) => (
                <input {...props} value={cloudName} onChange={(e) => setCloudName(e.target.value)} autoComplete="off" spellCheck={false} />
              )}
            </Field>
          </div>
          <Field
            label="Resource (JSON)"
            error={resourceError}
            hint={
              attributes.length
                ? `Optional. Attributes of ${action}: ${attributes.map((a) => `${a.name} (${a.type})`).join(', ')}. ` +
                  `E.g. {"${attributes[0]!.name}": ${EXAMPLE_VALUE[attributes[0]!.type] ?? '"value"'}}`
                : `Optional. ${action} declares no attribute.`
            }
          >
            {(props) => (
              <textarea
                {...props}
                value={resource}
                rows={3}
                spellCheck={false}
                placeholder='{"folder": "prod/cats"}'
                onChange={(e) => {
                  setResource(e.target.value);
                  if (resourceError) setResourceError(null);
                }}
              />
            )}
          </Field>
          <div className="actions perm-try-actions">
            <button type="submit" className="primary" disabled={busy || !action}>
              Try it
            </button>
          </div>
        </form>
      )}
      <ErrorMessage message={error} />
      <div role="status" aria-live="polite" className="perm-decision">
        {busy ? <p className="muted">Checking…</p> : null}
        {result ? (
          <p className={result.allowed ? 'perm-decision-yes' : 'perm-decision-no'}>
            <strong>{result.allowed ? 'Allowed' : 'Denied'}</strong> — reason {result.reason}
            {result.rule !== null
              ? `, decided by rule #${result.rule} (${describeRule(result.rules[result.rule] ?? NO_RULE, plugins)})`
              : ''}
            {result.environment ? `, in ${result.environment.cloud_name}` : ''}.
          </p>
        ) : null}
      </div>
      {result && result.trace.length ? (
        <table className="perm-trace">
          <caption>Trace: every rule of the key, numbered from 0 as in the API's decisions</caption>
          <thead>
            <tr>
              <th scope="col">Rule #</th>
              <th scope="col">Rule</th>
              <th scope="col">Effect</th>
              <th scope="col">Covers action</th>
              <th scope="col">Conditions match</th>
              <th scope="col">Decisive</th>
            </tr>
          </thead>
          <tbody>
            {result.trace.map((t) => (
              <tr key={t.rule} className={t.decisive ? 'perm-decisive' : undefined}>
                <td>{t.rule}</td>
                <td>
                  <code>{result.rules[t.rule] ? describeRule(result.rules[t.rule]!, plugins) : '—'}</code>
                </td>
                <td>{t.effect}</td>
                <td>{yesNo(t.covers_action)}</td>
                <td>{yesNo(t.conditions_match)}</td>
                <td>{t.decisive ? <strong>yes</strong> : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : result ? (
        <p className="muted">The key has no rules of its own.</p>
      ) : null}
    </section>
  );
}

import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { query } from '../../api';
import { DateTime, EnabledBadge, LoadState } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useSession } from '../../session';
import { type IssuedSecret, SecretDialog } from '../../components/SecretDialog';
import { CreateEnvironmentDialog } from './CreateEnvironmentDialog';
import { cloudinaryUrl } from '../../keys/keys';
import type { Environment, EnvironmentList } from './types';
import './environments.css';

const STATUSES = [
  { value: '', label: 'All' },
  { value: 'true', label: 'Enabled' },
  { value: 'false', label: 'Disabled' },
];

/** `#/environments`: the account's product environments, filtered by name prefix and status (kept in the URL). */
const environmentPath = (id: string): string => `/environments/${encodeURIComponent(id)}`;

export function EnvironmentsPage() {
  const { api, accountPath, can } = useSession();
  const [params, setParams] = useSearchParams();
  const prefix = params.get('q') ?? '';
  const status = STATUSES.some((s) => s.value === params.get('status')) ? (params.get('status') ?? '') : '';

  // Each change starts from this render's parameters: react-router's functional updates do not queue.
  const update = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  // What is typed reaches the URL, and so the API, once typing pauses. The timer restarts on any other change
  // of the parameters, so that it never writes back older ones.
  const [typed, setTyped] = useState(prefix);
  useEffect(() => setTyped((t) => (t.trim() === prefix ? t : prefix)), [prefix]);
  useEffect(() => {
    if (typed.trim() === prefix) return;
    const timer = window.setTimeout(() => update('q', typed.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [typed, params]);

  const list = useLoad(
    () => api.get<EnvironmentList>(`${accountPath}/sub_accounts${query({ prefix, enabled: status })}`).then((r) => r.sub_accounts),
    [api, accountPath, prefix, status],
  );

  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ id: string; name: string; cloudName: string } | null>(null);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const filtered = Boolean(prefix || status);

  const onCreated = (env: Environment) => {
    setCreating(false);
    setCreated({ id: env.id, name: env.name, cloudName: env.cloud_name });
    const first = env.api_access_keys.find((k) => k.secret);
    if (first?.secret) setIssued({ apiKey: first.key, secret: first.secret, connection: cloudinaryUrl(first.api_environment_variable) });
    list.reload();
  };

  return (
    <>
      <h1>Product environments</h1>
      <div className="toolbar env-toolbar">
        <form
          className="env-filters"
          role="search"
          aria-label="Filter environments"
          onSubmit={(e) => {
            e.preventDefault();
            update('q', typed.trim());
          }}
        >
          <div className="field">
            <label htmlFor="env-search">Search</label>
            <input
              id="env-search"
              type="search"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder="Name starts with…"
              aria-describedby="env-search-hint"
              autoComplete="off"
            />
            <small id="env-search-hint" className="cs-visually-hidden">
              Shows environments whose name starts with the text.
            </small>
          </div>
          <div className="field">
            <label htmlFor="env-status">Status</label>
            <select id="env-status" value={status} onChange={(e) => update('status', e.target.value)}>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </form>
        {can('provisioning:sub_accounts.create') ? (
          <button type="button" className="primary env-toolbar-end" onClick={() => setCreating(true)}>
            New environment
          </button>
        ) : null}
      </div>

      <div role="status">
        {created ? (
          <p className="notice">
            Created <Link to={environmentPath(created.id)}>{created.name}</Link> (<code>{created.cloudName}</code>).{' '}
            <button type="button" className="env-link-button" onClick={() => setCreated(null)}>
              Dismiss
            </button>
          </p>
        ) : null}
      </div>

      <LoadState
        loaded={list}
        what="environments"
        isEmpty={(envs) => envs.length === 0}
        empty={filtered ? 'No environments match these filters.' : 'No product environments yet.'}
      >
        {(envs) => (
          <table aria-busy={list.loading || undefined}>
            <caption className="cs-visually-hidden">
              Product environments{filtered ? ' matching the filters' : ''}: {envs.length}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Cloud name</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {envs.map((env) => (
                <tr key={env.id} data-environment-id={env.id}>
                  <td>
                    <Link to={environmentPath(env.id)}>{env.name}</Link>
                    {env.description ? <div className="muted env-description">{env.description}</div> : null}
                  </td>
                  <td>
                    <code>{env.cloud_name}</code>
                  </td>
                  <td>
                    <EnabledBadge enabled={env.enabled} />
                  </td>
                  <td>
                    <DateTime value={env.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadState>

      <CreateEnvironmentDialog open={creating} onClose={() => setCreating(false)} onCreated={onCreated} />
      <SecretDialog
        issued={issued}
        note={created ? `The first API key of ${created.name} (its root key) and its secret.` : undefined}
        onDone={() => setIssued(null)}
      />
    </>
  );
}

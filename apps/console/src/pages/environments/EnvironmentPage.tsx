import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmByTyping, EnabledBadge, ErrorMessage, LoadState, Notice } from '../../components/ui';
import { useAction, useDialog, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { EnvironmentKeys } from './EnvironmentKeys';
import { EnvironmentSettings } from './EnvironmentSettings';
import { type Environment, environmentPath } from './types';
import './environments.css';

/** `#/environments/:envId`: one environment's settings, status, deletion and API keys. */
export function EnvironmentPage() {
  const { envId = '' } = useParams();
  const { api, accountPath, can } = useSession();
  const navigate = useNavigate();
  const loaded = useLoad(() => api.get<Environment>(environmentPath(accountPath, envId)), [api, accountPath, envId]);
  // The answer of the last change, newer than what was loaded.
  const [changed, setChanged] = useState<Environment | null>(null);
  const env = changed && changed.id === loaded.data?.id ? changed : loaded.data;
  const toggle = useAction();
  const deletion = useDialog<true>();
  const [notice, setNotice] = useState<string | null>(null);

  const setEnabled = async (enabled: boolean) => {
    setNotice(null);
    const updated = await toggle.run(() => api.put<Environment>(environmentPath(accountPath, envId), { enabled }));
    if (updated) {
      setChanged(updated);
      setNotice(updated.enabled ? 'Environment enabled.' : 'Environment disabled: its keys are refused until it is enabled again.');
    }
  };

  const confirmDelete = async () => {
    const done = await deletion.submit(() => api.delete(environmentPath(accountPath, envId)));
    if (done !== undefined) navigate('/environments');
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="env-breadcrumb">
        <Link to="/environments">Product environments</Link>
        <span aria-hidden="true"> › </span>
        <span aria-current="page">{env?.name ?? envId}</span>
      </nav>
      <LoadState loaded={{ ...loaded, data: env }} what="the environment">
        {(env) => (
          <>
            <div className="env-head">
              <h1>{env.name}</h1>
              <EnabledBadge enabled={env.enabled} />
              <code className="muted">{env.cloud_name}</code>
              <div className="env-head-actions">
                {can('provisioning:sub_accounts.update') ? (
                  <button type="button" disabled={toggle.busy} onClick={() => void setEnabled(!env.enabled)}>
                    {env.enabled ? 'Disable' : 'Enable'}
                  </button>
                ) : null}
                {can('provisioning:sub_accounts.delete') ? (
                  <button type="button" className="danger-outline" onClick={() => deletion.show(true)}>
                    Delete environment
                  </button>
                ) : null}
              </div>
            </div>
            {env.description ? <p className="muted">{env.description}</p> : null}
            <Notice message={notice} />
            <ErrorMessage message={toggle.error} />

            <EnvironmentSettings key={env.id} env={env} onSaved={setChanged} />

            {can('provisioning:access_keys.read') ? (
              <EnvironmentKeys envId={env.id} />
            ) : (
              <section className="panel">
                <h2>API keys</h2>
                <p className="muted">The key you signed in with may not list this environment's API keys.</p>
              </section>
            )}

            <ConfirmByTyping
              what="environment"
              name={deletion.open ? env.cloud_name : null}
              dialog={deletion}
              onConfirm={() => void confirmDelete()}
            />
          </>
        )}
      </LoadState>
    </>
  );
}

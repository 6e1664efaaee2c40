import { useState } from 'react';
import { Link } from 'react-router';
import { query } from '../../api';
import { ConfirmByTyping, DateTime, ErrorMessage, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { type IssuedSecret, SecretDialog } from '../../components/SecretDialog';
import { EnabledBadge } from './badges';
import { isExpired, issuedFrom } from './keyInfo';
import { GenerateKeyDialog, RenameKeyDialog, RotateKeyDialog } from './KeyDialogs';
import { type AccessKey, type AccessKeyList, keyPath, keysPath } from './types';

const KEYS_PAGE_SIZE = 50;

/** The environment's access keys: a page of them, and everything that can be done to each. */
export function EnvironmentKeys({ envId }: { envId: string }) {
  const { api, accountPath, can } = useSession();
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => api.get<AccessKeyList>(`${keysPath(accountPath, envId)}${query({ page_size: KEYS_PAGE_SIZE, page, sort_by: 'created_at', sort_order: 'desc' })}`),
    [api, accountPath, envId, page],
  );

  const [generating, setGenerating] = useState(false);
  const [renaming, setRenaming] = useState<AccessKey | null>(null);
  const [rotating, setRotating] = useState<AccessKey | null>(null);
  const [deleting, setDeleting] = useState<AccessKey | null>(null);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = useAction();
  const remove = useAction();

  const mayUpdate = can('provisioning:access_keys.update');
  const mayRotate = can('provisioning:access_keys.rotate');
  const mayDelete = can('provisioning:access_keys.delete');
  const mayReadPermissions = can('provisioning:access_keys.permissions.read');

  const setEnabled = async (key: AccessKey, enabled: boolean) => {
    setNotice(null);
    const updated = await toggle.run(() => api.put<AccessKey>(keyPath(accountPath, envId, key.api_key), { enabled }));
    if (updated) {
      setNotice(`Key ${updated.name} ${updated.enabled ? 'enabled' : 'disabled'}.`);
      list.reload();
    }
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    const done = await remove.run(() => api.delete(keyPath(accountPath, envId, deleting.api_key)));
    if (done === undefined) return;
    setNotice(`Key ${deleting.name} deleted.`);
    setDeleting(null);
    const onPage = list.data?.access_keys.length ?? 0;
    if (onPage <= 1 && page > 1) setPage(page - 1);
    else list.reload();
  };

  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / KEYS_PAGE_SIZE)) : 1;

  return (
    <section className="panel" aria-labelledby="env-keys-title">
      <div className="env-section-head">
        <h2 id="env-keys-title">API keys</h2>
        {can('provisioning:access_keys.create') ? (
          <button type="button" className="primary" onClick={() => setGenerating(true)}>
            Generate key
          </button>
        ) : null}
      </div>
      <p role="status" className={notice ? 'env-notice' : 'cs-visually-hidden'}>
        {notice}
      </p>
      <ErrorMessage message={toggle.error} />
      <LoadState loaded={list} what="API keys" isEmpty={(d) => d.access_keys.length === 0} empty="This environment has no API keys.">
        {(data) => (
          <>
            <div className="env-table-scroll">
              <table aria-busy={list.loading || undefined}>
                <caption className="cs-visually-hidden">API keys of this environment: {data.total}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">API key</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Webhooks</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {data.access_keys.map((key) => {
                    const base = `/environments/${encodeURIComponent(envId)}/keys/${encodeURIComponent(key.api_key)}`;
                    return (
                      <tr key={key.api_key} data-api-key={key.api_key}>
                        <th scope="row" className="env-key-name">
                          {key.name}
                          {key.root ? <span className="badge env-badge-root">Root</span> : null}
                          {key.description ? <div className="muted env-description">{key.description}</div> : null}
                        </th>
                        <td>
                          <code>{key.api_key}</code>
                        </td>
                        <td>
                          <EnabledBadge enabled={key.enabled} />
                          {isExpired(key) ? <span className="badge env-badge-warn">Expired</span> : null}
                        </td>
                        <td>
                          <DateTime value={key.created_at} />
                        </td>
                        <td>
                          {key.last_used_at ? (
                            <>
                              <DateTime value={key.last_used_at} />
                              {key.last_used_ip ? (
                                <div className="muted">
                                  from <code>{key.last_used_ip}</code>
                                </div>
                              ) : null}
                            </>
                          ) : (
                            <span className="muted">Never</span>
                          )}
                        </td>
                        <td>{key.dedicated_for?.includes('webhooks') ? <span className="badge on">Webhooks</span> : <span className="muted">—</span>}</td>
                        <td>
                          <div className="row-actions env-row-actions">
                            <Link to={base} aria-label={`Details of key ${key.name}`}>
                              Details
                            </Link>
                            {mayReadPermissions ? (
                              <Link to={`${base}/permissions`} aria-label={`Permissions of key ${key.name}`}>
                                Permissions
                              </Link>
                            ) : null}
                            {mayUpdate ? (
                              <>
                                <button type="button" aria-label={`Rename key ${key.name}`} onClick={() => setRenaming(key)}>
                                  Rename
                                </button>
                                <button
                                  type="button"
                                  aria-label={`${key.enabled ? 'Disable' : 'Enable'} key ${key.name}`}
                                  disabled={toggle.busy}
                                  onClick={() => void setEnabled(key, !key.enabled)}
                                >
                                  {key.enabled ? 'Disable' : 'Enable'}
                                </button>
                              </>
                            ) : null}
                            {mayRotate ? (
                              <button type="button" aria-label={`Rotate key ${key.name}`} onClick={() => setRotating(key)}>
                                Rotate
                              </button>
                            ) : null}
                            {mayDelete ? (
                              <button
                                type="button"
                                className="env-danger-outline"
                                aria-label={`Delete key ${key.name}`}
                                onClick={() => {
                                  remove.clear();
                                  setDeleting(key);
                                }}
                              >
                                Delete
                              </button>
                            ) : null}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {pages > 1 ? (
              <nav className="env-pager" aria-label="API key pages">
                <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                  Previous page
                </button>
                <span>
                  Page {page} of {pages} ({data.total} keys)
                </span>
                <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                  Next page
                </button>
              </nav>
            ) : null}
          </>
        )}
      </LoadState>

      <GenerateKeyDialog
        envId={envId}
        open={generating}
        onClose={() => setGenerating(false)}
        onGenerated={(key) => {
          setGenerating(false);
          setNotice(`Key ${key.name} generated.`);
          setIssued(issuedFrom(key));
          if (page === 1) list.reload();
          else setPage(1);
        }}
      />
      <RenameKeyDialog
        envId={envId}
        target={renaming}
        onClose={() => setRenaming(null)}
        onRenamed={(key) => {
          setRenaming(null);
          setNotice(`Key renamed to ${key.name}.`);
          list.reload();
        }}
      />
      <RotateKeyDialog
        envId={envId}
        target={rotating}
        onClose={() => setRotating(null)}
        onRotated={(key) => {
          setRotating(null);
          setNotice(`Key ${key.name} has a new secret.`);
          setIssued(issuedFrom(key));
          list.reload();
        }}
      />
      <ConfirmByTyping
        open={deleting !== null}
        what={deleting ? `key ${deleting.name}` : 'key'}
        name={deleting?.name ?? ''}
        busy={remove.busy}
        error={remove.error}
        onClose={() => setDeleting(null)}
        onConfirm={() => void confirmDelete()}
      />
      <SecretDialog issued={issued} onDone={() => setIssued(null)} />
    </section>
  );
}

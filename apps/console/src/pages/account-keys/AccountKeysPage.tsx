import { useState } from 'react';
import { Link } from 'react-router';
import { query } from '../../api';
import { DateTime, Dialog, ErrorMessage, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { KeyNameDialog, RotateKeyDialog } from './KeyDialogs';
import { type ApiKeyRecord, issuedSecret } from './keys';
import { type IssuedSecret, SecretDialog } from '../../components/SecretDialog';
import './keys.css';

const PAGE_SIZE = 50;

interface AccountKeyList {
  account_api_keys: ApiKeyRecord[];
  total: number;
}

type Editing = { kind: 'generate' } | { kind: 'rename'; key: ApiKeyRecord } | { kind: 'rotate'; key: ApiKeyRecord } | { kind: 'disable-self'; key: ApiKeyRecord } | null;

/** `#/account-keys`: the account's API keys. They are disabled, never deleted; the root key is marked. */
export function AccountKeysPage() {
  const { api, accountPath, can, self, signOut } = useSession();
  const [page, setPage] = useState(1);
  const keys = useLoad(
    () => api.get<AccountKeyList>(`${accountPath}/account_api_keys${query({ page_size: PAGE_SIZE, page, sort_by: 'created_at', sort_order: 'asc' })}`),
    [api, accountPath, page],
  );
  const [editing, setEditing] = useState<Editing>(null);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dialogAction = useAction();
  const rowAction = useAction();

  const basePath = `${accountPath}/account_api_keys`;
  const close = () => {
    setEditing(null);
    dialogAction.clear();
  };

  const generate = async (values: { name: string; description: string }) => {
    const key = await dialogAction.run(() => api.post<ApiKeyRecord>(basePath, { name: values.name, description: values.description || undefined }));
    if (!key) return;
    close();
    setNotice(`Generated the key ${key.name}.`);
    setIssued(issuedSecret(key));
    keys.reload();
  };

  const rename = async (key: ApiKeyRecord, values: { name: string; description: string }) => {
    const body: Record<string, string> = { name: values.name };
    if (values.description !== (key.description ?? '')) body.description = values.description;
    const done = await dialogAction.run(() => api.put<ApiKeyRecord>(`${basePath}/${key.api_key}`, body));
    if (!done) return;
    close();
    setNotice(`Saved the key ${done.name}.`);
    keys.reload();
  };

  const rotate = async (key: ApiKeyRecord, graceSeconds: number) => {
    const done = await dialogAction.run(() => api.post<ApiKeyRecord>(`${basePath}/${key.api_key}/rotate`, { grace_seconds: graceSeconds }));
    if (!done) return;
    close();
    setNotice(`Rotated the key ${done.name}.`);
    setIssued(issuedSecret(done));
    keys.reload();
  };

  const setEnabled = async (key: ApiKeyRecord, enabled: boolean) => {
    setNotice(null);
    const done = await rowAction.run(() => api.put<ApiKeyRecord>(`${basePath}/${key.api_key}`, { enabled }));
    if (!done) return;
    setNotice(`${enabled ? 'Enabled' : 'Disabled'} the key ${done.name}.`);
    keys.reload();
  };

  const disableSelf = async (key: ApiKeyRecord) => {
    const done = await dialogAction.run(() => api.put<ApiKeyRecord>(`${basePath}/${key.api_key}`, { enabled: false }));
    if (!done) return;
    close();
    signOut();
  };

  const mayUpdate = can('provisioning:account_api_keys.update');
  const mayRotate = can('provisioning:account_api_keys.rotate');
  const mayReadPermissions = can('provisioning:account_api_keys.permissions.read');
  const lastPage = keys.data ? Math.max(1, Math.ceil(keys.data.total / PAGE_SIZE)) : 1;

  return (
    <section aria-labelledby="account-keys-title">
      <div className="page-head">
        <h1 id="account-keys-title">Account API keys</h1>
        {can('provisioning:account_api_keys.create') ? (
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'generate' })}>
            Generate key
          </button>
        ) : null}
      </div>
      <p className="muted">
        Account API keys call the Provisioning API for the whole account. They are disabled, never deleted, and the account always keeps one enabled key.
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorMessage message={rowAction.error} />

      <LoadState loaded={keys} what="account API keys" isEmpty={(d) => d.account_api_keys.length === 0}>
        {(data) => (
          <>
            <table>
              <caption className="muted" style={{ captionSide: 'bottom', textAlign: 'left', padding: '0.4rem 0' }}>
                {data.total} {data.total === 1 ? 'key' : 'keys'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">API key</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.account_api_keys.map((key) => {
                  const isSelf = key.api_key === self.api_key;
                  return (
                    <tr key={key.api_key} data-api-key={key.api_key}>
                      <td>
                        <strong>{key.name}</strong>
                        {key.root ? <span className="badge root">Root</span> : null}
                        {isSelf ? <span className="badge self">Signed in</span> : null}
                        {key.description ? <span className="block muted">{key.description}</span> : null}
                        {key.expires_at ? (
                          <span className="block muted">
                            Expires <DateTime value={key.expires_at} />
                          </span>
                        ) : null}
                        {key.previous_secret_expires_at ? (
                          <span className="block muted">
                            Previous secret works until <DateTime value={key.previous_secret_expires_at} />
                          </span>
                        ) : null}
                      </td>
                      <td>
                        <code>{key.api_key}</code>
                      </td>
                      <td>{key.enabled ? <span className="badge on">Enabled</span> : <span className="badge off">Disabled</span>}</td>
                      <td className="nowrap">
                        <DateTime value={key.created_at} />
                      </td>
                      <td>
                        {key.last_used_at ? (
                          <>
                            <DateTime value={key.last_used_at} />
                            {key.last_used_ip ? <span className="block muted">from {key.last_used_ip}</span> : null}
                          </>
                        ) : (
                          <span className="muted">Never</span>
                        )}
                      </td>
                      <td>
                        <div className="row-actions">
                          {mayUpdate ? (
                            <button type="button" onClick={() => setEditing({ kind: 'rename', key })}>
                              Rename
                            </button>
                          ) : null}
                          {mayUpdate ? (
                            key.enabled ? (
                              <button
                                type="button"
                               
                                disabled={rowAction.busy}
                                onClick={() => (isSelf ? setEditing({ kind: 'disable-self', key }) : void setEnabled(key, false))}
                              >
                                Disable
                              </button>
                            ) : (
                              <button type="button" disabled={rowAction.busy} onClick={() => void setEnabled(key, true)}>
                                Enable
                              </button>
                            )
                          ) : null}
                          {mayRotate ? (
                            <button type="button" onClick={() => setEditing({ kind: 'rotate', key })}>
                              Rotate
                            </button>
                          ) : null}
                          {mayReadPermissions ? (
                            <Link to={`/account-keys/${encodeURIComponent(key.api_key)}/permissions`}>
                              Permissions
                            </Link>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {lastPage > 1 ? (
              <nav className="pager" aria-label="Pages of account API keys">
                <button type="button" disabled={page <= 1 || keys.loading} onClick={() => setPage((p) => p - 1)}>
                  Previous page
                </button>
                <span>
                  Page {page} of {lastPage}
                </span>
                <button type="button" disabled={page >= lastPage || keys.loading} onClick={() => setPage((p) => p + 1)}>
                  Next page
                </button>
              </nav>
            ) : null}
          </>
        )}
      </LoadState>

      <KeyNameDialog
        open={editing?.kind === 'generate'}
        title="Generate an account API key"
        submitLabel="Generate"
        busy={dialogAction.busy}
        error={dialogAction.error}
        onSubmit={(v) => void generate(v)}
        onClose={close}
      />
      <KeyNameDialog
        open={editing?.kind === 'rename'}
        title={editing?.kind === 'rename' ? `Rename ${editing.key.name}` : 'Rename'}
        submitLabel="Save"
        initial={editing?.kind === 'rename' ? editing.key : undefined}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onSubmit={(v) => editing?.kind === 'rename' && void rename(editing.key, v)}
        onClose={close}
      />
      <RotateKeyDialog
        open={editing?.kind === 'rotate'}
        keyName={editing?.kind === 'rotate' ? editing.key.name : ''}
        isSignedInKey={editing?.kind === 'rotate' && editing.key.api_key === self.api_key}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onSubmit={(grace) => editing?.kind === 'rotate' && void rotate(editing.key, grace)}
        onClose={close}
      />
      <Dialog title="Disable the key you are signed in with?" open={editing?.kind === 'disable-self'} onClose={close}>
        <p>This console uses this key. Once it is disabled, every request with it is refused, and you are signed out: sign in again with another key.</p>
        <ErrorMessage message={dialogAction.error} />
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={dialogAction.busy} onClick={() => editing?.kind === 'disable-self' && void disableSelf(editing.key)}>
            Disable
          </button>
        </div>
      </Dialog>
      <SecretDialog issued={issued} onDone={() => setIssued(null)} />
    </section>
  );
}

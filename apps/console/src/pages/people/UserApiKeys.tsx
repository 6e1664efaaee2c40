import { useState } from 'react';
import { query } from '../../api';
import { ConfirmByTyping, DateTime, ErrorMessage, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { KeyNameDialog, RotateKeyDialog } from '../account-keys/KeyDialogs';
import { type ApiKeyRecord, issuedSecret } from '../account-keys/keys';
import { type IssuedSecret, SecretDialog } from '../../components/SecretDialog';
import '../account-keys/keys.css';
import type { User } from './people';

type Editing = { kind: 'generate' } | { kind: 'rotate'; key: ApiKeyRecord } | { kind: 'delete'; key: ApiKeyRecord } | null;

/** A user's personal API keys: they act with exactly the user's privileges. */
export function UserApiKeys({ user }: { user: User }) {
  const { api, accountPath, can, self } = useSession();
  const base = `${accountPath}/users/${encodeURIComponent(user.id)}/api_keys`;
  const keys = useLoad(() => api.get<{ api_keys: ApiKeyRecord[]; total: number }>(`${base}${query({ page_size: 100, sort_by: 'created_at', sort_order: 'asc' })}`), [api, base]);
  const [editing, setEditing] = useState<Editing>(null);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const dialogAction = useAction();
  const rowAction = useAction();
  const close = () => {
    setEditing(null);
    dialogAction.clear();
  };

  const generate = async (values: { name: string; description: string }) => {
    const key = await dialogAction.run(() => api.post<ApiKeyRecord>(base, { name: values.name, description: values.description || undefined }));
    if (!key) return;
    close();
    setIssued(issuedSecret(key));
    keys.reload();
  };
  const rotate = async (key: ApiKeyRecord, grace: number) => {
    const done = await dialogAction.run(() => api.post<ApiKeyRecord>(`${base}/${key.api_key}/rotate`, { grace_seconds: grace }));
    if (!done) return;
    close();
    setIssued(issuedSecret(done));
    keys.reload();
  };
  const remove = async (key: ApiKeyRecord) => {
    const done = await dialogAction.run(() => api.delete(`${base}/${key.api_key}`));
    if (done === undefined) return;
    close();
    keys.reload();
  };
  const setEnabled = async (key: ApiKeyRecord, enabled: boolean) => {
    const done = await rowAction.run(() => api.put<ApiKeyRecord>(`${base}/${key.api_key}`, { enabled }));
    if (done) keys.reload();
  };

  const mayUpdate = can('provisioning:user_api_keys.update');
  const mayRotate = can('provisioning:user_api_keys.rotate');
  const mayDelete = can('provisioning:user_api_keys.delete');

  return (
    <div>
      <div className="page-head">
        <h3>API keys</h3>
        {can('provisioning:user_api_keys.create') ? (
          <button type="button" onClick={() => setEditing({ kind: 'generate' })}>
            Generate key
          </button>
        ) : null}
      </div>
      <ErrorMessage message={rowAction.error} />
      <LoadState loaded={keys} what="API keys" isEmpty={(d) => d.api_keys.length === 0} empty={`${user.name} has no API keys yet.`}>
        {(data) => (
          <table>
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
              {data.api_keys.map((key) => (
                <tr key={key.api_key} data-api-key={key.api_key}>
                  <td>
                    {key.name}
                    {key.api_key === self.api_key ? <span className="badge self">Signed in</span> : null}
                    {key.description ? <span className="block muted">{key.description}</span> : null}
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
                        <button type="button" disabled={rowAction.busy} onClick={() => void setEnabled(key, !key.enabled)}>
                          {key.enabled ? 'Disable' : 'Enable'}
                        </button>
                      ) : null}
                      {mayRotate ? (
                        <button type="button" onClick={() => setEditing({ kind: 'rotate', key })}>
                          Rotate
                        </button>
                      ) : null}
                      {mayDelete ? (
                        <button type="button" className="danger" onClick={() => setEditing({ kind: 'delete', key })}>
                          Delete
                        </button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadState>

      <KeyNameDialog
        open={editing?.kind === 'generate'}
        title={`Generate an API key for ${user.name}`}
        submitLabel="Generate"
        busy={dialogAction.busy}
        error={dialogAction.error}
        onSubmit={(v) => void generate(v)}
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
      <ConfirmByTyping
        open={editing?.kind === 'delete'}
        what="API key"
        name={editing?.kind === 'delete' ? editing.key.name : ''}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onConfirm={() => editing?.kind === 'delete' && void remove(editing.key)}
        onClose={close}
      />
      <SecretDialog issued={issued} onDone={() => setIssued(null)} />
    </div>
  );
}

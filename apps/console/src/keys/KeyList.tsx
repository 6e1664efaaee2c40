import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { query } from '../api';
import { type IssuedSecret, SecretDialog } from '../components/SecretDialog';
import {
  ConfirmByTyping,
  DateTime,
  Dialog,
  EnabledBadge,
  ErrorMessage,
  LoadState,
  Notice,
  PageHead,
  Pager,
  RowActions,
} from '../components/ui';
import { useAction, useDialog, useLoad } from '../hooks';
import { useSession } from '../session';
import { GenerateKeyDialog, type KeyCollection, keyPath, RenameKeyDialog, RotateKeyDialog } from './KeyDialogs';
import { type ApiKey, isExpired, issuedSecret } from './keys';
import './keys.css';

const PAGE_SIZE = 50;

type Command = { kind: 'generate' } | { kind: 'rename' | 'rotate' | 'delete' | 'disable-self'; key: ApiKey };

export interface KeyListProps {
  /**
   * The keys' name in the API's actions: `provisioning:<resource>.create`, `.update`, … A person's own keys are
   * `own_api_keys`: on their own user, only those actions count.
   */
  resource: 'access_keys' | 'account_api_keys' | 'user_api_keys' | 'own_api_keys';
  keys: KeyCollection;
  /** The field of the list answer that holds the keys. */
  listField: 'access_keys' | 'account_api_keys' | 'api_keys';
  heading: { id: string; title: string; level: 1 | 2 | 3 };
  generateTitle: string;
  sortOrder: 'asc' | 'desc';
  /** For the loading and empty states: "API keys", "account API keys". */
  what: string;
  empty?: string;
  detailsTo?: (key: ApiKey) => string;
  permissionsTo?: (key: ApiKey) => string;
  /** Badges of the kind of key, beside its status. */
  badges?: (key: ApiKey) => ReactNode;
  /** What the page says about its keys, under the heading. */
  children?: ReactNode;
}

/** A page of keys and everything that can be done to each: generate, rename, enable or disable, rotate, delete. */
export function KeyList({
  resource,
  keys,
  listField,
  heading,
  generateTitle,
  sortOrder,
  what,
  empty,
  detailsTo,
  permissionsTo,
  badges,
  children,
}: KeyListProps) {
  const { api, can, signedInKey, signOut } = useSession();
  const [page, setPage] = useState(1);
  const list = useLoad(
    () =>
      api.get<Partial<Record<KeyListProps['listField'], ApiKey[]>> & { total: number }>(
        `${keys.path}${query({ page_size: PAGE_SIZE, page, sort_by: 'created_at', sort_order: sortOrder })}`,
      ),
    [api, keys.path, page, sortOrder],
  );
  const command = useDialog<Command>();
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = useAction();

  const may = (what: string) => can(`provisioning:${resource}.${what}`);
  // Account API keys are disabled, never deleted: the API answers 405.
  const mayDelete = resource !== 'account_api_keys' && may('delete');
  const mayAct = Boolean(permissionsTo && may('permissions.read')) || may('update') || may('rotate') || mayDelete;
  const reloadAt = (target: number) => (target === page ? list.reload() : setPage(target));
  const target = (kind: 'rename' | 'rotate') => (command.open?.kind === kind ? command.open.key : null);

  const changed = (message: string, key?: ApiKey, at = page) => {
    command.close();
    setNotice(message);
    if (key) setIssued(issuedSecret(key));
    reloadAt(at);
  };

  const setEnabled = async (key: ApiKey, enabled: boolean) => {
    setNotice(null);
    const updated = await toggle.run(() => api.put<ApiKey>(keyPath(keys, key.api_key), { enabled }));
    if (updated) changed(`Key ${updated.name} ${updated.enabled ? 'enabled' : 'disabled'}.`);
  };

  const disableSelf = async (key: ApiKey) => {
    if (await command.submit(() => api.put<ApiKey>(keyPath(keys, key.api_key), { enabled: false }))) await signOut();
  };

  const remove = async (key: ApiKey, onPage: number) => {
    const done = await command.submit(() => api.delete(keyPath(keys, key.api_key)));
    if (done !== undefined) changed(`Key ${key.name} deleted.`, undefined, onPage <= 1 && page > 1 ? page - 1 : page);
  };

  const rows = list.data?.[listField] ?? [];
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;

  return (
    <>
      <PageHead
        id={heading.id}
        title={heading.title}
        level={heading.level}
        action={may('create') && { label: 'Generate key', onClick: () => command.show({ kind: 'generate' }) }}
      />
      {children}
      <Notice message={notice} />
      <ErrorMessage message={toggle.error} />
      <LoadState loaded={list} what={what} isEmpty={() => rows.length === 0} empty={empty}>
        {(data) => (
          <>
            <div className="table-scroll">
              <table className="key-table" aria-busy={list.loading || undefined}>
                <caption className="muted">
                  {data.total} {data.total === 1 ? 'key' : 'keys'}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">API key</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    {mayAct ? <th scope="col">Actions</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((key) => (
                    <tr key={key.api_key} data-api-key={key.api_key}>
                      <KeyCells apiKey={key} isSelf={key.api_key === signedInKey} detailsTo={detailsTo?.(key)} badges={badges?.(key)} />
                      {mayAct ? (
                        <td>
                          <RowActions label={`Actions for key ${key.name}`}>
                            {permissionsTo && may('permissions.read') ? <Link to={permissionsTo(key)}>Permissions</Link> : null}
                            {may('update') ? (
                              <>
                                <button type="button" onClick={() => command.show({ kind: 'rename', key })}>
                                  Rename
                                </button>
                                <button
                                  type="button"
                                  disabled={toggle.busy}
                                  onClick={() =>
                                    key.enabled && key.api_key === signedInKey
                                      ? command.show({ kind: 'disable-self', key })
                                      : void setEnabled(key, !key.enabled)
                                  }
                                >
                                  {key.enabled ? 'Disable' : 'Enable'}
                                </button>
                              </>
                            ) : null}
                            {may('rotate') ? (
                              <button type="button" onClick={() => command.show({ kind: 'rotate', key })}>
                                Rotate
                              </button>
                            ) : null}
                            {mayDelete ? (
                              <button type="button" className="danger-outline" onClick={() => command.show({ kind: 'delete', key })}>
                                Delete
                              </button>
                            ) : null}
                          </RowActions>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label={`Pages of ${what}`} page={page} pages={pages} busy={list.loading} onChange={setPage} />
          </>
        )}
      </LoadState>

      <GenerateKeyDialog
        keys={keys}
        title={generateTitle}
        open={command.open?.kind === 'generate'}
        onClose={command.close}
        // Newest first, the new key is on the first page.
        onGenerated={(key) => changed(`Key ${key.name} generated.`, key, sortOrder === 'desc' ? 1 : page)}
      />
      <RenameKeyDialog
        keys={keys}
        target={target('rename')}
        onClose={command.close}
        onRenamed={(key) => changed(`Key renamed to ${key.name}.`)}
      />
      <RotateKeyDialog
        keys={keys}
        target={target('rotate')}
        onClose={command.close}
        onRotated={(key) => changed(`Key ${key.name} has a new secret.`, key)}
      />
      <ConfirmByTyping
        what={command.open?.kind === 'delete' ? `key ${command.open.key.name}` : 'key'}
        name={command.open?.kind === 'delete' ? command.open.key.name : null}
        dialog={command}
        onConfirm={() => command.open?.kind === 'delete' && void remove(command.open.key, rows.length)}
      />
      <Dialog title="Disable the key you are signed in with?" open={command.open?.kind === 'disable-self'} onClose={command.close}>
        <p>
          This console uses this key. Once it is disabled, every request with it is refused, and you are signed out: sign in again with
          another key.
        </p>
        <ErrorMessage message={command.error} />
        <div className="actions">
          <button type="button" onClick={command.close}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={command.busy}
            onClick={() => command.open?.kind === 'disable-self' && void disableSelf(command.open.key)}
          >
            Disable
          </button>
        </div>
      </Dialog>
      <SecretDialog issued={issued} onDone={() => setIssued(null)} />
    </>
  );
}

/** A key's name (with what marks it), api_key, status, creation and last use. */
function KeyCells({ apiKey: key, isSelf, detailsTo, badges }: { apiKey: ApiKey; isSelf: boolean; detailsTo?: string; badges?: ReactNode }) {
  return (
    <>
      <th scope="row" className="key-name">
        {detailsTo ? <Link to={detailsTo}>{key.name}</Link> : key.name}
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
      </th>
      <td>
        <code>{key.api_key}</code>
      </td>
      <td>
        <EnabledBadge enabled={key.enabled} />
        {isExpired(key) ? <span className="badge expired">Expired</span> : null}
        {badges}
      </td>
      <td>
        <DateTime value={key.created_at} />
      </td>
      <td>
        {key.last_used_at ? (
          <>
            <DateTime value={key.last_used_at} />
            {key.last_used_ip ? (
              <span className="block muted">
                from <code>{key.last_used_ip}</code>
              </span>
            ) : null}
          </>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
    </>
  );
}

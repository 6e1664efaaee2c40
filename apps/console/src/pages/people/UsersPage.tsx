import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmByTyping, DateTime, Empty, EnabledBadge, ErrorMessage, Field, LoadState, Notice, PageHead } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { loadEnvironments, loadRoles, loadUsers, optional } from './loaders';
import { type Environment, matchesRole, type Role, roleLabel, SYSTEM_ROLES, type User } from './people';
import './people.css';
import { RecordActions, useRecordCommands } from './records';
import { userBody, type UserFormValues } from './userForm';
import { UserFormDialog } from './UserFormDialog';

type Editing = { kind: 'create' } | { kind: 'edit'; user: User } | { kind: 'delete'; user: User };

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** `#/users`: the people of the account, their roles, environments, groups and API keys. */
export function UsersPage() {
  const { api, accountPath, can } = useSession();
  const [search, setSearch] = useState('');
  const [roleFilter, setRoleFilter] = useState('');
  const [status, setStatus] = useState('');
  const prefix = useDebounced(search.trim(), 300);
  const users = useLoad(
    () =>
      loadUsers(api, accountPath, {
        prefix: prefix || undefined,
        pending: status === 'pending' ? true : status === 'active' ? false : undefined,
      }),
    [api, accountPath, prefix, status],
  );
  const roles = useLoad(() => optional(can('provisioning:roles.read'), () => loadRoles(api, accountPath)), [api, accountPath]);
  const environments = useLoad(
    () => optional(can('provisioning:sub_accounts.read'), () => loadEnvironments(api, accountPath)),
    [api, accountPath],
  );
  const customRoles = useMemo(() => roles.data?.filter((r) => !r.system) ?? null, [roles.data]);

  const { dialog, notice, setNotice, done, recordPath, save, remove } = useRecordCommands<User, Editing>(
    `${accountPath}/users`,
    users.reload,
  );
  const editing = dialog.open;
  const rowAction = useAction();

  const saveUser = (values: UserFormValues) => {
    const existing = editing?.kind === 'edit' ? editing.user : undefined;
    const body = userBody(values, existing);
    if (existing && Object.keys(body).length === 0) return dialog.close();
    void save(existing, body, (user) => (existing ? `Saved ${user.name}.` : `Added ${user.name} (${user.email}).`));
  };
  const setEnabled = async (user: User, enabled: boolean) => {
    setNotice(null);
    const updated = await rowAction.run(() => api.put<User>(recordPath(user), { enabled }));
    if (updated) done(`${enabled ? 'Enabled' : 'Disabled'} ${updated.name}.`);
  };

  const mayUpdate = can('provisioning:users.update');
  const mayDelete = can('provisioning:users.delete');
  const shown = users.data?.users.filter((u) => matchesRole(u, roleFilter)) ?? [];
  const filtered = Boolean(prefix || roleFilter || status);

  return (
    <section aria-labelledby="users-title">
      <PageHead
        id="users-title"
        title="Users"
        action={can('provisioning:users.create') && { label: 'Add user', onClick: () => dialog.show({ kind: 'create' }) }}
      />
      <search className="toolbar" aria-label="Filter users">
        <Field label="Search">
          {(props) => (
            <input
              {...props}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              autoComplete="off"
              placeholder="Start of a name or email"
            />
          )}
        </Field>
        <Field label="Role">
          {(props) => (
            <select {...props} value={roleFilter} onChange={(e) => setRoleFilter(e.target.value)}>
              <option value="">All roles</option>
              <optgroup label="System roles">
                {SYSTEM_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {roleLabel(role)}
                  </option>
                ))}
              </optgroup>
              {customRoles && customRoles.length > 0 ? (
                <optgroup label="Custom roles">
                  {customRoles.map((role) => (
                    <option key={role.id} value={`custom:${role.id}`}>
                      {role.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(props) => (
            <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              <option value="pending">Pending (never signed in)</option>
              <option value="active">Active</option>
            </select>
          )}
        </Field>
      </search>
      <Notice message={notice} />
      <ErrorMessage message={rowAction.error} />

      <LoadState loaded={users} what="users">
        {() =>
          shown.length === 0 ? (
            <Empty>{filtered ? 'No user matches these filters.' : 'No users yet.'}</Empty>
          ) : (
            <div className="table-scroll">
              <table>
                <caption className="muted" style={{ captionSide: 'bottom', textAlign: 'left', padding: '0.4rem 0' }}>
                  {shown.length} {shown.length === 1 ? 'user' : 'users'}
                  {users.loading ? ' (updating…)' : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name and email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Environments</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last login</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((user) => (
                    <tr key={user.id} data-user-id={user.id} data-email={user.email}>
                      <td>
                        <Link to={userPath(user.id)} className="strong-link">
                          {user.name}
                        </Link>
                        <span className="block muted">{user.email}</span>
                      </td>
                      <td>
                        {roleLabel(user.role)}
                        <CustomRoleNames ids={user.custom_roles} roles={customRoles} />
                      </td>
                      <td>
                        <EnvironmentNames user={user} environments={environments.data} />
                      </td>
                      <td>
                        <EnabledBadge enabled={user.enabled} />
                        {user.pending ? <span className="badge off block-gap">Pending</span> : null}
                      </td>
                      <td>
                        <DateTime value={user.last_login} />
                      </td>
                      <td>
                        <RecordActions
                          label={`Actions for user ${user.name}`}
                          onEdit={mayUpdate && (() => dialog.show({ kind: 'edit', user }))}
                          onDelete={mayDelete && (() => dialog.show({ kind: 'delete', user }))}
                        >
                          {mayUpdate ? (
                            <button type="button" disabled={rowAction.busy} onClick={() => void setEnabled(user, !user.enabled)}>
                              {user.enabled ? 'Disable' : 'Enable'}
                            </button>
                          ) : null}
                        </RecordActions>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>

      <UserFormDialog
        open={editing?.kind === 'create' || editing?.kind === 'edit'}
        user={editing?.kind === 'edit' ? editing.user : null}
        customRoles={customRoles}
        environments={environments.data}
        dialog={dialog}
        onSubmit={saveUser}
      />
      <ConfirmByTyping
        what="user"
        name={editing?.kind === 'delete' ? editing.user.email : null}
        dialog={dialog}
        onConfirm={() => editing?.kind === 'delete' && void remove(editing.user, `Deleted ${editing.user.name}.`)}
      />
    </section>
  );
}

/** A user's page in the console. */
export const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

function CustomRoleNames({ ids, roles }: { ids: string[]; roles: Role[] | null }) {
  if (ids.length === 0) return null;
  const names = ids.map((id) => roles?.find((r) => r.id === id)?.name ?? id);
  return <span className="block muted wrap-anywhere">+ {names.join(', ')}</span>;
}

export function EnvironmentNames({ user, environments }: { user: User; environments: Environment[] | null }) {
  if (user.all_sub_accounts || user.role === 'master_admin') return <span>All</span>;
  if (user.sub_account_ids.length === 0) return <span className="muted">None</span>;
  const names = user.sub_account_ids.map((id) => environments?.find((e) => e.id === id)?.name ?? id);
  // An environment's id stands in for its name until the list arrives (or when the caller may not read it), and a
  // 36-character id must not widen the table past a narrow window.
  return <span className="wrap-anywhere">{names.join(', ')}</span>;
}

import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Schemas } from '../../api';
import { ConfirmByTyping, DateTime, EnabledBadge, ErrorMessage, LoadState, Notice } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { loadEnvironments, loadRoles, optional } from './loaders';
import { type Environment, type Role, roleLabel, type User } from './people';
import './people.css';
import { useRecordCommands } from './records';
import { UserApiKeys } from './UserApiKeys';
import { userBody, type UserFormValues } from './userForm';
import { UserFormDialog } from './UserFormDialog';
import { EnvironmentNames } from './UsersPage';

/** `#/users/:userId`: one user's details, groups and API keys, with the actions of the users list. */
export function UserPage() {
  const { userId = '' } = useParams();
  const { api, accountPath, can } = useSession();
  const navigate = useNavigate();
  const user = useLoad(() => api.get<User>(`${accountPath}/users/${encodeURIComponent(userId)}`), [api, accountPath, userId]);
  const roles = useLoad(() => optional(can('provisioning:roles.read'), () => loadRoles(api, accountPath)), [api, accountPath]);
  const environments = useLoad(
    () => optional(can('provisioning:sub_accounts.read'), () => loadEnvironments(api, accountPath)),
    [api, accountPath],
  );
  const customRoles = useMemo(() => roles.data?.filter((r) => !r.system) ?? null, [roles.data]);
  const { dialog, notice, setNotice, done, recordPath, save } = useRecordCommands<User, 'edit' | 'delete'>(
    `${accountPath}/users`,
    user.reload,
  );
  const toggle = useAction();

  const saveUser = (existing: User, values: UserFormValues) => {
    const body = userBody(values, existing);
    if (Object.keys(body).length === 0) return dialog.close();
    void save(existing, body, (saved) => `Saved ${saved.name}.`);
  };
  const setEnabled = async (existing: User, enabled: boolean) => {
    setNotice(null);
    const updated = await toggle.run(() => api.put<User>(recordPath(existing), { enabled }));
    if (updated) done(`${enabled ? 'Enabled' : 'Disabled'} ${updated.name}.`);
  };
  const remove = async (existing: User) => {
    if ((await dialog.submit(() => api.delete(recordPath(existing)))) !== undefined) navigate('/users');
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="env-breadcrumb">
        <Link to="/users">Users</Link>
        <span aria-hidden="true"> › </span>
        <span aria-current="page">{user.data?.name ?? userId}</span>
      </nav>
      <LoadState loaded={user} what="the user">
        {(u) => (
          <>
            <div className="env-head">
              <h1>{u.name}</h1>
              <EnabledBadge enabled={u.enabled} />
              {u.pending ? <span className="badge off">Pending</span> : null}
              <div className="env-head-actions">
                {can('provisioning:users.update') ? (
                  <>
                    <button type="button" onClick={() => dialog.show('edit')}>
                      Edit
                    </button>
                    <button type="button" disabled={toggle.busy} onClick={() => void setEnabled(u, !u.enabled)}>
                      {u.enabled ? 'Disable' : 'Enable'}
                    </button>
                  </>
                ) : null}
                {can('provisioning:users.delete') ? (
                  <button type="button" className="danger-outline" onClick={() => dialog.show('delete')}>
                    Delete user
                  </button>
                ) : null}
              </div>
            </div>
            <Notice message={notice} />
            <ErrorMessage message={toggle.error} />
            <section className="panel" aria-labelledby="user-details-title">
              <h2 id="user-details-title">Details</h2>
              <UserDetails user={u} environments={environments.data} customRoles={customRoles} />
            </section>
            {can('provisioning:user_api_keys.read') ? (
              <section className="panel">
                <UserApiKeys user={u} />
              </section>
            ) : null}
            <UserFormDialog
              open={dialog.open === 'edit'}
              user={u}
              customRoles={customRoles}
              environments={environments.data}
              dialog={dialog}
              onSubmit={(values) => saveUser(u, values)}
            />
            <ConfirmByTyping
              what="user"
              name={dialog.open === 'delete' ? u.email : null}
              dialog={dialog}
              onConfirm={() => void remove(u)}
            />
          </>
        )}
      </LoadState>
    </>
  );
}

function UserDetails({ user, environments, customRoles }: { user: User; environments: Environment[] | null; customRoles: Role[] | null }) {
  const { api, accountPath, can } = useSession();
  const mayReadGroups = can('provisioning:user_groups.read');
  const groupsPath = `${accountPath}/users/${encodeURIComponent(user.id)}/groups`;
  const groups = useLoad(
    () => optional(mayReadGroups, () => api.get<Schemas['UserGroupsOfUserDto']>(groupsPath).then((r) => r.groups)),
    [api, groupsPath, mayReadGroups],
  );
  const roleNames = user.custom_roles.map((id) => customRoles?.find((r) => r.id === id)?.name ?? id);
  return (
    <dl className="env-facts">
      <div>
        <dt>Email</dt>
        <dd>{user.email}</dd>
      </div>
      <div>
        <dt>Role</dt>
        <dd>
          {roleLabel(user.role)} <code>{user.role}</code>
        </dd>
      </div>
      <div>
        <dt>Custom roles</dt>
        <dd>{roleNames.length ? roleNames.join(', ') : <span className="muted">None</span>}</dd>
      </div>
      <div>
        <dt>Environments</dt>
        <dd>
          <EnvironmentNames user={user} environments={environments} />
        </dd>
      </div>
      {mayReadGroups ? (
        <div>
          <dt>Groups</dt>
          <dd>
            <LoadState loaded={groups} what="groups">
              {(list) =>
                list && list.length ? <span>{list.map((g) => g.name).join(', ')}</span> : <span className="muted">In no group</span>
              }
            </LoadState>
          </dd>
        </div>
      ) : null}
      <div>
        <dt>Last login</dt>
        <dd>{user.last_login ? <DateTime value={user.last_login} /> : <span className="muted">Never</span>}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <DateTime value={user.created_at} />
        </dd>
      </div>
      <div>
        <dt>User ID</dt>
        <dd>
          <code>{user.id}</code>
        </dd>
      </div>
    </dl>
  );
}

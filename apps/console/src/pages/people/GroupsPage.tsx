import { type FormEvent, Fragment, useEffect, useMemo, useState } from 'react';
import type { PolicyRule } from '../../api';
import { ConfirmByTyping, DateTime, Dialog, ErrorMessage, Field, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import '../account-keys/keys.css';
import { loadGroups, loadRoles, loadUsers, optional } from './loaders';
import { type Group, type GroupMember, type Role, selectedValues, type User } from './people';
import './people.css';
import { RuleList } from './RuleList';
import { formatRules, parseRules } from './rulesJson';

type Editing = { kind: 'create' } | { kind: 'rename'; group: Group } | { kind: 'delete'; group: Group } | null;

/** `#/groups`: user groups, their members, and the custom roles and rules they grant. */
export function GroupsPage() {
  const { api, accountPath, can } = useSession();
  const groups = useLoad(() => loadGroups(api, accountPath), [api, accountPath]);
  const [editing, setEditing] = useState<Editing>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dialogAction = useAction();
  const close = () => {
    setEditing(null);
    dialogAction.clear();
  };

  const create = async (name: string) => {
    const group = await dialogAction.run(() => api.post<Group>(`${accountPath}/user_groups`, { name }));
    if (!group) return;
    close();
    setNotice(`Created the group ${group.name}.`);
    setExpanded(group.id);
    groups.reload();
  };
  const rename = async (group: Group, name: string) => {
    const done = await dialogAction.run(() => api.put<Group>(`${accountPath}/user_groups/${encodeURIComponent(group.id)}`, { name }));
    if (!done) return;
    close();
    setNotice(`Renamed the group to ${done.name}.`);
    groups.reload();
  };
  const remove = async (group: Group) => {
    const done = await dialogAction.run(() => api.delete(`${accountPath}/user_groups/${encodeURIComponent(group.id)}`));
    if (done === undefined) return;
    close();
    setNotice(`Deleted the group ${group.name}.`);
    groups.reload();
  };

  const mayUpdate = can('provisioning:user_groups.update');
  const mayDelete = can('provisioning:user_groups.delete');

  return (
    <section aria-labelledby="groups-title">
      <div className="page-head">
        <h1 id="groups-title">Groups</h1>
        {can('provisioning:user_groups.create') ? (
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'create' })}>
            Create group
          </button>
        ) : null}
      </div>
      <p className="muted">Every member of a group holds the group's custom roles and rules, besides its own role.</p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <LoadState loaded={groups} what="groups" isEmpty={(d) => d.length === 0} empty="No groups yet.">
        {(list) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Members</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((group) => {
                const open = expanded === group.id;
                return (
                  <Fragment key={group.id}>
                    <tr data-group-id={group.id}>
                      <td>
                        <strong>{group.name}</strong>
                      </td>
                      <td>{group.users ? `${group.users.length} ${group.users.length === 1 ? 'member' : 'members'}` : '—'}</td>
                      <td className="nowrap">
                        <DateTime value={group.created_at} />
                      </td>
                      <td>
                        <div className="row-actions">
                          <button type="button" aria-expanded={open} aria-controls={`group-details-${group.id}`} onClick={() => setExpanded(open ? null : group.id)}>
                            {open ? 'Hide details' : 'Members and permissions'}
                          </button>
                          {mayUpdate ? (
                            <button type="button" onClick={() => setEditing({ kind: 'rename', group })}>
                              Rename
                            </button>
                          ) : null}
                          {mayDelete ? (
                            <button type="button" className="danger" onClick={() => setEditing({ kind: 'delete', group })}>
                              Delete
                            </button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                    {open ? (
                      <tr className="details-row" id={`group-details-${group.id}`}>
                        <td colSpan={4}>
                          <GroupDetails group={group} onMembersChanged={groups.reload} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadState>

      <NameDialog
        open={editing?.kind === 'create' || editing?.kind === 'rename'}
        title={editing?.kind === 'rename' ? `Rename ${editing.group.name}` : 'Create group'}
        submitLabel={editing?.kind === 'rename' ? 'Save' : 'Create'}
        initial={editing?.kind === 'rename' ? editing.group.name : ''}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onSubmit={(name) => (editing?.kind === 'rename' ? void rename(editing.group, name) : void create(name))}
        onClose={close}
      />
      <ConfirmByTyping
        open={editing?.kind === 'delete'}
        what="group"
        name={editing?.kind === 'delete' ? editing.group.name : ''}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onConfirm={() => editing?.kind === 'delete' && void remove(editing.group)}
        onClose={close}
      />
    </section>
  );
}

function NameDialog({ open, title, submitLabel, initial, busy, error, onSubmit, onClose }: {
  open: boolean;
  title: string;
  submitLabel: string;
  initial: string;
  busy: boolean;
  error: string | null;
  onSubmit: (name: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setName(initial);
    setMissing(null);
  }, [open, initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setMissing('Enter a name');
    setMissing(null);
    onSubmit(name.trim());
  };
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" error={missing}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />}
        </Field>
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A group's members (add, remove) and what it grants (custom roles and rules). */
function GroupDetails({ group, onMembersChanged }: { group: Group; onMembersChanged: () => void }) {
  const { api, accountPath, can } = useSession();
  const base = `${accountPath}/user_groups/${encodeURIComponent(group.id)}`;
  const mayUpdate = can('provisioning:user_groups.update');
  const members = useLoad(() => api.get<{ users: GroupMember[] }>(`${base}/users`).then((r) => r.users), [api, base]);
  const users = useLoad(() => optional(mayUpdate && can('provisioning:users.read'), () => loadUsers(api, accountPath).then((r) => r.users)), [api, accountPath, mayUpdate]);
  const [chosen, setChosen] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const memberAction = useAction();

  const candidates = useMemo<User[]>(() => (users.data ?? []).filter((u) => !members.data?.some((m) => m.id === u.id)), [users.data, members.data]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return setMissing('Choose a user to add');
    setMissing(null);
    const res = await memberAction.run(() => api.post<{ users: GroupMember[] }>(`${base}/users/${encodeURIComponent(chosen)}`));
    if (!res) return;
    setChosen('');
    members.reload();
    onMembersChanged();
  };
  const removeMember = async (member: GroupMember) => {
    const res = await memberAction.run(() => api.delete<{ users: GroupMember[] }>(`${base}/users/${encodeURIComponent(member.id)}`));
    if (!res) return;
    members.reload();
    onMembersChanged();
  };

  return (
    <div className="details" aria-label={`Members and permissions of ${group.name}`}>
      <div>
        <h3>Members</h3>
        <ErrorMessage message={memberAction.error} />
        <LoadState loaded={members} what="members" isEmpty={(d) => d.length === 0} empty="No members yet.">
          {(list) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  {mayUpdate ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {list.map((member) => (
                  <tr key={member.id} data-user-id={member.id}>
                    <td>{member.name}</td>
                    <td>{member.email}</td>
                    {mayUpdate ? (
                      <td>
                        <button type="button" disabled={memberAction.busy} onClick={() => void removeMember(member)}>
                          Remove
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </LoadState>
        {mayUpdate && users.data ? (
          <form className="inline-form" onSubmit={add} noValidate style={{ marginTop: '0.75rem' }}>
            <Field label="User to add" error={missing}>
              {(props) => (
                <select {...props} value={chosen} onChange={(e) => setChosen(e.target.value)}>
                  <option value="">{candidates.length ? 'Choose a user…' : 'Every user is a member'}</option>
                  {candidates.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name} ({u.email})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="submit" disabled={memberAction.busy || candidates.length === 0}>
              Add member
            </button>
          </form>
        ) : null}
      </div>
      <GroupPermissions group={group} />
    </div>
  );
}

function GroupPermissions({ group }: { group: Group }) {
  const { api, accountPath, can } = useSession();
  const path = `${accountPath}/user_groups/${encodeURIComponent(group.id)}/permissions`;
  const mayUpdate = can('provisioning:user_groups.update');
  const permissions = useLoad(() => api.get<{ roles: string[]; rules: PolicyRule[] }>(path), [api, path]);
  const roles = useLoad(() => optional(can('provisioning:roles.read'), () => loadRoles(api, accountPath)), [api, accountPath]);
  const customRoles: Role[] = roles.data?.filter((r) => !r.system) ?? [];
  const [chosenRoles, setChosenRoles] = useState<string[]>([]);
  const [rulesText, setRulesText] = useState('[]');
  const [rulesError, setRulesError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useAction();

  useEffect(() => {
    if (!permissions.data) return;
    setChosenRoles(permissions.data.roles);
    setRulesText(formatRules(permissions.data.rules));
  }, [permissions.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const parsed = parseRules(rulesText);
    setRulesError(parsed.error);
    if (!parsed.rules) return;
    const res = await save.run(() => api.put<{ roles: string[]; rules: PolicyRule[] }>(path, { roles: chosenRoles, rules: parsed.rules }));
    if (!res) return;
    setSaved(true);
    permissions.reload();
  };

  const roleName = (id: string) => roles.data?.find((r) => r.id === id)?.name ?? id;

  return (
    <div>
      <h3>Roles and rules</h3>
      <LoadState loaded={permissions} what="the group's permissions">
        {(data) =>
          mayUpdate ? (
            <form onSubmit={(e) => void submit(e)} noValidate>
              {customRoles.length > 0 ? (
                <Field label="Roles" hint="Custom roles every member holds. Ctrl/Cmd-click or Shift+arrows to choose several">
                  {(props) => (
                    <select {...props} multiple size={Math.min(6, Math.max(2, customRoles.length))} value={chosenRoles} onChange={(e) => {
                        setChosenRoles(selectedValues(e.target));
                        setSaved(false);
                      }}>
                      {customRoles.map((role) => (
                        <option key={role.id} value={role.id}>
                          {role.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              ) : (
                <p className="muted">{roles.data ? 'The account has no custom roles yet: create some under Roles.' : 'Roles held: ' + (data.roles.map(roleName).join(', ') || 'none')}</p>
              )}
              <Field label="Rules (JSON)" error={rulesError} hint='Rules every member holds besides the roles, e.g. [{"effect":"allow","actions":["admin:folders.read"]}]'>
                {(props) => <textarea {...props} rows={Math.min(12, Math.max(4, rulesText.split('\n').length + 1))} value={rulesText} onChange={(e) => {
                      setRulesText(e.target.value);
                      setSaved(false);
                    }} spellCheck={false} />}
              </Field>
              <ErrorMessage message={save.error} />
              {saved ? (
                <p className="notice" role="status">
                  Saved the group's permissions.
                </p>
              ) : null}
              <div className="actions" style={{ justifyContent: 'flex-start' }}>
                <button type="submit" className="primary" disabled={save.busy}>
                  Save permissions
                </button>
              </div>
            </form>
          ) : (
            <dl className="secret-values">
              <dt>Roles</dt>
              <dd>{data.roles.length ? data.roles.map(roleName).join(', ') : <span className="muted">None</span>}</dd>
              <dt>Rules</dt>
              <dd>
                <RuleList rules={data.rules} />
              </dd>
            </dl>
          )
        }
      </LoadState>
    </div>
  );
}

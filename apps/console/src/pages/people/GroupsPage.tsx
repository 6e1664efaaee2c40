import { type FormEvent, Fragment, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { Schemas } from '../../api';
import { ConfirmByTyping, DateTime, Dialog, DialogForm, ErrorMessage, Field, LoadState, Notice, PageHead } from '../../components/ui';
import { type DialogStatus, useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { loadGroups, loadRoles, loadUsers, optional } from './loaders';
import { type Group, type GroupMember, type Role, selectedValues, type User } from './people';
import './people.css';
import { DetailsRow, DetailsToggle, RecordActions, useRecordCommands } from './records';
import { RuleList } from './RuleList';
import { userPath } from './UsersPage';
import { formatRules, parseRules } from './rulesJson';

type Editing = { kind: 'create' } | { kind: 'rename'; group: Group } | { kind: 'delete'; group: Group };

/** `#/groups`: user groups, their members, and the custom roles and rules they grant. */
export function GroupsPage() {
  const { api, accountPath, can } = useSession();
  const groups = useLoad(() => loadGroups(api, accountPath), [api, accountPath]);
  const { dialog, notice, save, remove } = useRecordCommands<Group, Editing>(`${accountPath}/user_groups`, groups.reload);
  const editing = dialog.open;
  const [expanded, setExpanded] = useState<string | null>(null);

  const create = async (name: string) => {
    const group = await save(undefined, { name }, (g) => `Created the group ${g.name}.`);
    if (group) setExpanded(group.id);
  };

  const mayUpdate = can('provisioning:user_groups.update');
  const mayDelete = can('provisioning:user_groups.delete');

  return (
    <section aria-labelledby="groups-title">
      <PageHead
        id="groups-title"
        title="Groups"
        action={can('provisioning:user_groups.create') && { label: 'Create group', onClick: () => dialog.show({ kind: 'create' }) }}
      />
      <p className="muted">Every member of a group holds the group's custom roles and rules, besides its own role.</p>
      <Notice message={notice} />
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
                        <RecordActions
                          label={`Actions for group ${group.name}`}
                          editLabel="Rename"
                          onEdit={mayUpdate && (() => dialog.show({ kind: 'rename', group }))}
                          onDelete={mayDelete && (() => dialog.show({ kind: 'delete', group }))}
                          leading={
                            <DetailsToggle
                              open={open}
                              controls={`group-details-${group.id}`}
                              label="Members and permissions"
                              onToggle={() => setExpanded(open ? null : group.id)}
                            />
                          }
                        />
                      </td>
                    </tr>
                    {open ? (
                      <DetailsRow id={`group-details-${group.id}`} colSpan={4}>
                        <GroupDetails group={group} onMembersChanged={groups.reload} />
                      </DetailsRow>
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
        dialog={dialog}
        onSubmit={(name) =>
          editing?.kind === 'rename' ? void save(editing.group, { name }, (g) => `Renamed the group to ${g.name}.`) : void create(name)
        }
      />
      <ConfirmByTyping
        what="group"
        name={editing?.kind === 'delete' ? editing.group.name : null}
        dialog={dialog}
        onConfirm={() => editing?.kind === 'delete' && void remove(editing.group, `Deleted the group ${editing.group.name}.`)}
      />
    </section>
  );
}

interface NameFormProps {
  submitLabel: string;
  initial: string;
  dialog: DialogStatus;
  onSubmit: (name: string) => void;
}

function NameDialog({ open, title, ...form }: NameFormProps & { open: boolean; title: string }) {
  return (
    <Dialog title={title} open={open} onClose={form.dialog.close}>
      <NameForm {...form} />
    </Dialog>
  );
}

function NameForm({ submitLabel, initial, dialog, onSubmit }: NameFormProps) {
  const [name, setName] = useState(initial);
  const [missing, setMissing] = useState<string | null>(null);
  const submit = () => {
    setMissing(name.trim() ? null : 'Enter a name');
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <DialogForm submitLabel={submitLabel} dialog={dialog} onSubmit={submit}>
      <Field label="Name" error={missing}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />}
      </Field>
    </DialogForm>
  );
}

/** A group's members (add, remove) and what it grants (custom roles and rules). */
function GroupDetails({ group, onMembersChanged }: { group: Group; onMembersChanged: () => void }) {
  const { api, accountPath, can } = useSession();
  const base = `${accountPath}/user_groups/${encodeURIComponent(group.id)}`;
  const mayUpdate = can('provisioning:user_groups.update');
  const mayReadUsers = can('provisioning:users.read');
  const members = useLoad(() => api.get<Schemas['GroupUsersDto']>(`${base}/users`).then((r) => r.users), [api, base]);
  const users = useLoad(
    () => optional(mayUpdate && can('provisioning:users.read'), () => loadUsers(api, accountPath).then((r) => r.users)),
    [api, accountPath, mayUpdate],
  );
  const [chosen, setChosen] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const memberAction = useAction();

  const candidates = useMemo<User[]>(
    () => (users.data ?? []).filter((u) => !members.data?.some((m) => m.id === u.id)),
    [users.data, members.data],
  );

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return setMissing('Choose a user to add');
    setMissing(null);
    const res = await memberAction.run(() => api.post<Schemas['GroupUsersDto']>(`${base}/users/${encodeURIComponent(chosen)}`));
    if (!res) return;
    setChosen('');
    members.reload();
    onMembersChanged();
  };
  const removeMember = async (member: GroupMember) => {
    const res = await memberAction.run(() => api.delete<Schemas['GroupUsersDto']>(`${base}/users/${encodeURIComponent(member.id)}`));
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
                    <td>{mayReadUsers ? <Link to={userPath(member.id)}>{member.name}</Link> : member.name}</td>
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
  const permissions = useLoad(() => api.get<Schemas['GroupPermissionsDto']>(path), [api, path]);
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
    const res = await save.run(() => api.put<Schemas['GroupPermissionsDto']>(path, { roles: chosenRoles, rules: parsed.rules }));
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
                    <select
                      {...props}
                      multiple
                      size={Math.min(6, Math.max(2, customRoles.length))}
                      value={chosenRoles}
                      onChange={(e) => {
                        setChosenRoles(selectedValues(e.target));
                        setSaved(false);
                      }}
                    >
                      {customRoles.map((role) => (
                        <option key={role.id} value={role.id}>
                          {role.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              ) : (
                <p className="muted">
                  {roles.data
                    ? 'The account has no custom roles yet: create some under Roles.'
                    : 'Roles held: ' + (data.roles.map(roleName).join(', ') || 'none')}
                </p>
              )}
              <Field
                label="Rules (JSON)"
                error={rulesError}
                hint='Rules every member holds besides the roles, e.g. [{"effect":"allow","actions":["admin:folders.read"]}]'
              >
                {(props) => (
                  <textarea
                    {...props}
                    rows={Math.min(12, Math.max(4, rulesText.split('\n').length + 1))}
                    value={rulesText}
                    onChange={(e) => {
                      setRulesText(e.target.value);
                      setSaved(false);
                    }}
                    spellCheck={false}
                  />
                )}
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

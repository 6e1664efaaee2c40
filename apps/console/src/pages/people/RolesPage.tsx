import { type FormEvent, useEffect, useState } from 'react';
import { ConfirmByTyping, Dialog, ErrorMessage, Field, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import '../account-keys/keys.css';
import { loadRoles } from './loaders';
import { type Role, roleLabel } from './people';
import './people.css';
import { RuleList } from './RuleList';
import { formatRules, parseRules } from './rulesJson';

type Editing = { kind: 'create' } | { kind: 'edit'; role: Role } | { kind: 'delete'; role: Role } | null;

const EXAMPLE_RULES = '[\n  {"effect":"allow","actions":["upload:upload","upload:tags"]}\n]';

/** `#/roles`: the system roles (read-only) and the account's custom roles. */
export function RolesPage() {
  const { api, accountPath, can } = useSession();
  const roles = useLoad(() => loadRoles(api, accountPath), [api, accountPath]);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dialogAction = useAction();
  const close = () => {
    setEditing(null);
    dialogAction.clear();
  };

  const save = async (values: RoleFormValues) => {
    const existing = editing?.kind === 'edit' ? editing.role : undefined;
    const body = { name: values.name, description: values.description || undefined, rules: values.rules };
    const role = await dialogAction.run(() =>
      existing ? api.put<Role>(`${accountPath}/roles/${encodeURIComponent(existing.id)}`, body) : api.post<Role>(`${accountPath}/roles`, body),
    );
    if (!role) return;
    close();
    setNotice(existing ? `Saved the role ${role.name}.` : `Created the role ${role.name}.`);
    roles.reload();
  };
  const remove = async (role: Role) => {
    const done = await dialogAction.run(() => api.delete(`${accountPath}/roles/${encodeURIComponent(role.id)}`));
    if (done === undefined) return;
    close();
    setNotice(`Deleted the role ${role.name}.`);
    roles.reload();
  };

  const mayUpdate = can('provisioning:roles.update');
  const mayDelete = can('provisioning:roles.delete');

  return (
    <section aria-labelledby="roles-title">
      <div className="page-head">
        <h1 id="roles-title">Roles</h1>
        {can('provisioning:roles.create') ? (
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'create' })}>
            Create role
          </button>
        ) : null}
      </div>
      <p className="muted">
        Every user has one system role. Custom roles add rules to users, groups and keys that hold them; a user holds the union of all its sources.
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <LoadState loaded={roles} what="roles" isEmpty={(d) => d.length === 0}>
        {(list) => {
          const system = list.filter((r) => r.system);
          const custom = list.filter((r) => !r.system);
          return (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Rules</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {[...system, ...custom].map((role) => (
                  <tr key={role.id} data-role-id={role.id}>
                    <td>
                      <strong>{role.system ? roleLabel(role.name) : role.name}</strong>
                      {role.system ? <span className="badge system">System</span> : <span className="badge self">Custom</span>}
                      {role.system ? <code className="block muted">{role.name}</code> : null}
                      {role.description ? <span className="block muted">{role.description}</span> : null}
                    </td>
                    <td>
                      <RuleList rules={role.rules} />
                    </td>
                    <td>
                      {role.system ? (
                        <span className="muted">Read-only</span>
                      ) : (
                        <div className="row-actions">
                          {mayUpdate ? (
                            <button type="button" onClick={() => setEditing({ kind: 'edit', role })}>
                              Edit
                            </button>
                          ) : null}
                          {mayDelete ? (
                            <button type="button" className="danger" onClick={() => setEditing({ kind: 'delete', role })}>
                              Delete
                            </button>
                          ) : null}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
                {custom.length === 0 ? (
                  <tr>
                    <td colSpan={3} className="muted">
                      No custom roles yet.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          );
        }}
      </LoadState>

      <RoleDialog
        open={editing?.kind === 'create' || editing?.kind === 'edit'}
        role={editing?.kind === 'edit' ? editing.role : null}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onSubmit={(v) => void save(v)}
        onClose={close}
      />
      <ConfirmByTyping
        open={editing?.kind === 'delete'}
        what="role"
        name={editing?.kind === 'delete' ? editing.role.name : ''}
        busy={dialogAction.busy}
        error={dialogAction.error}
        onConfirm={() => editing?.kind === 'delete' && void remove(editing.role)}
        onClose={close}
      />
    </section>
  );
}

interface RoleFormValues {
  name: string;
  description: string;
  rules: NonNullable<ReturnType<typeof parseRules>['rules']>;
}

function RoleDialog({ open, role, busy, error, onSubmit, onClose }: {
  open: boolean;
  role: Role | null;
  busy: boolean;
  error: string | null;
  onSubmit: (values: RoleFormValues) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [rulesText, setRulesText] = useState('');
  const [errors, setErrors] = useState<{ name?: string; rules?: string }>({});
  useEffect(() => {
    if (!open) return;
    setName(role?.name ?? '');
    setDescription(role?.description ?? '');
    setRulesText(role ? formatRules(role.rules) : EXAMPLE_RULES);
    setErrors({});
  }, [open, role]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseRules(rulesText);
    const problems = { name: name.trim() ? undefined : 'Enter a name', rules: parsed.error ?? undefined };
    setErrors(problems);
    if (problems.name || !parsed.rules) return;
    onSubmit({ name: name.trim(), description: description.trim(), rules: parsed.rules });
  };

  return (
    <Dialog title={role ? `Edit ${role.name}` : 'Create role'} open={open} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />}
        </Field>
        <Field label="Description" hint="Optional">
          {(props) => <input {...props} value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" maxLength={1000} />}
        </Field>
        <Field label="Rules (JSON)" error={errors.rules} hint='A JSON array of {"effect":"allow"|"deny","actions":[…],"conditions":{…}}; you can only grant actions you hold'>
          {(props) => <textarea {...props} rows={Math.min(14, Math.max(5, rulesText.split('\n').length + 1))} value={rulesText} onChange={(e) => setRulesText(e.target.value)} spellCheck={false} />}
        </Field>
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {role ? 'Save' : 'Create role'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

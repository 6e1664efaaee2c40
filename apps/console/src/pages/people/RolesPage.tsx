import { useState } from 'react';
import { ConfirmByTyping, Dialog, DialogForm, Field, LoadState, Notice, PageHead } from '../../components/ui';
import { type DialogStatus, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { loadRoles } from './loaders';
import { type Role, roleLabel } from './people';
import './people.css';
import { RecordActions, useRecordCommands } from './records';
import { RuleList } from './RuleList';
import { formatRules, parseRules } from './rulesJson';

type Editing = { kind: 'create' } | { kind: 'edit'; role: Role } | { kind: 'delete'; role: Role };

const EXAMPLE_RULES = '[\n  {"effect":"allow","actions":["upload:upload","upload:tags"]}\n]';

/** `#/roles`: the system roles (read-only) and the account's custom roles. */
export function RolesPage() {
  const { api, accountPath, can } = useSession();
  const roles = useLoad(() => loadRoles(api, accountPath), [api, accountPath]);
  const { dialog, notice, save, remove } = useRecordCommands<Role, Editing>(`${accountPath}/roles`, roles.reload);
  const editing = dialog.open;

  const saveRole = (values: RoleFormValues) => {
    const existing = editing?.kind === 'edit' ? editing.role : undefined;
    const body = { name: values.name, description: values.description || undefined, rules: values.rules };
    void save(existing, body, (role) => (existing ? `Saved the role ${role.name}.` : `Created the role ${role.name}.`));
  };

  const mayUpdate = can('provisioning:roles.update');
  const mayDelete = can('provisioning:roles.delete');

  return (
    <section aria-labelledby="roles-title">
      <PageHead
        id="roles-title"
        title="Roles"
        action={can('provisioning:roles.create') && { label: 'Create role', onClick: () => dialog.show({ kind: 'create' }) }}
      />
      <p className="muted">
        Every user has one system role. Custom roles add rules to users, groups and keys that hold them; a user holds the union of all its
        sources.
      </p>
      <Notice message={notice} />
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
                        <RecordActions
                          label={`Actions for role ${role.name}`}
                          onEdit={mayUpdate && (() => dialog.show({ kind: 'edit', role }))}
                          onDelete={mayDelete && (() => dialog.show({ kind: 'delete', role }))}
                        />
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
        dialog={dialog}
        onSubmit={saveRole}
      />
      <ConfirmByTyping
        what="role"
        name={editing?.kind === 'delete' ? editing.role.name : null}
        dialog={dialog}
        onConfirm={() => editing?.kind === 'delete' && void remove(editing.role, `Deleted the role ${editing.role.name}.`)}
      />
    </section>
  );
}

interface RoleFormValues {
  name: string;
  description: string;
  rules: NonNullable<ReturnType<typeof parseRules>['rules']>;
}

interface RoleFormProps {
  role: Role | null;
  dialog: DialogStatus;
  onSubmit: (values: RoleFormValues) => void;
}

function RoleDialog({ open, ...form }: RoleFormProps & { open: boolean }) {
  return (
    <Dialog title={form.role ? `Edit ${form.role.name}` : 'Create role'} open={open} onClose={form.dialog.close}>
      <RoleForm {...form} />
    </Dialog>
  );
}

function RoleForm({ role, dialog, onSubmit }: RoleFormProps) {
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [rulesText, setRulesText] = useState(role ? formatRules(role.rules) : EXAMPLE_RULES);
  const [errors, setErrors] = useState<{ name?: string; rules?: string }>({});

  const submit = () => {
    const parsed = parseRules(rulesText);
    const problems = { name: name.trim() ? undefined : 'Enter a name', rules: parsed.error ?? undefined };
    setErrors(problems);
    if (problems.name || !parsed.rules) return;
    onSubmit({ name: name.trim(), description: description.trim(), rules: parsed.rules });
  };

  return (
    <DialogForm submitLabel={role ? 'Save' : 'Create role'} dialog={dialog} onSubmit={submit}>
      <Field label="Name" error={errors.name}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />}
      </Field>
      <Field label="Description" hint="Optional">
        {(props) => (
          <input {...props} value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" maxLength={1000} />
        )}
      </Field>
      <Field
        label="Rules (JSON)"
        error={errors.rules}
        hint='A JSON array of {"effect":"allow"|"deny","actions":[…],"conditions":{…}}; you can only grant actions you hold'
      >
        {(props) => (
          <textarea
            {...props}
            rows={Math.min(14, Math.max(5, rulesText.split('\n').length + 1))}
            value={rulesText}
            onChange={(e) => setRulesText(e.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
    </DialogForm>
  );
}

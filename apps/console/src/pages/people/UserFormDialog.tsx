import { useState } from 'react';
import { Dialog, DialogForm, Field } from '../../components/ui';
import type { DialogStatus } from '../../hooks';
import { EnvironmentOptions } from '../environments/EnvironmentOptions';
import { DEFAULT_ROLE, type Environment, type Role, roleLabel, selectedValues, SYSTEM_ROLES, type SystemRole, type User } from './people';
import { type UserFormErrors, type UserFormValues, userFormValues, validateUserForm } from './userForm';

interface UserFormProps {
  /** null: a new user. */
  user: User | null;
  /** null when the signed-in key may not read roles. */
  customRoles: Role[] | null;
  /** null when the signed-in key may not read environments. */
  environments: Environment[] | null;
  dialog: DialogStatus;
  onSubmit: (values: UserFormValues) => void;
}

/** "Add user" and "Edit user": name, email, role, custom roles and the product environments the user reaches. */
export function UserFormDialog({ open, ...form }: UserFormProps & { open: boolean }) {
  return (
    <Dialog title={form.user ? `Edit ${form.user.name}` : 'Add user'} open={open} onClose={form.dialog.close}>
      <UserForm {...form} />
    </Dialog>
  );
}

function UserForm({ user, customRoles, environments, dialog, onSubmit }: UserFormProps) {
  const [values, setValues] = useState<UserFormValues>(() => userFormValues(user, DEFAULT_ROLE));
  const [errors, setErrors] = useState<UserFormErrors>({});

  const set = <K extends keyof UserFormValues>(key: K, value: UserFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const submit = () => {
    const problems = validateUserForm(values);
    setErrors(problems);
    if (Object.keys(problems).length === 0) onSubmit(values);
  };
  const isMaster = values.role === 'master_admin';

  return (
    <DialogForm submitLabel={user ? 'Save' : 'Add user'} dialog={dialog} onSubmit={submit}>
      <Field label="Name" error={errors.name}>
        {(props) => <input {...props} value={values.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" autoFocus />}
      </Field>
      <Field label="Email" error={errors.email}>
        {(props) => (
          <input {...props} type="email" value={values.email} onChange={(e) => set('email', e.target.value)} autoComplete="off" />
        )}
      </Field>
      <Field label="Role" hint="The system role; custom roles add to it">
        {(props) => (
          <select {...props} value={values.role} onChange={(e) => set('role', e.target.value as SystemRole)}>
            {SYSTEM_ROLES.map((role) => (
              <option key={role} value={role}>
                {roleLabel(role)} ({role})
              </option>
            ))}
          </select>
        )}
      </Field>
      {customRoles && customRoles.length > 0 ? (
        <fieldset className="fieldset">
          <legend>Custom roles</legend>
          <p className="muted small">Rules added to the role above.</p>
          {customRoles.map((role) => (
            <label key={role.id} className="check">
              <input
                type="checkbox"
                value={role.id}
                checked={values.customRoles.includes(role.id)}
                onChange={(e) =>
                  set(
                    'customRoles',
                    e.target.checked ? [...values.customRoles, role.id] : values.customRoles.filter((id) => id !== role.id),
                  )
                }
              />{' '}
              {role.name}
            </label>
          ))}
        </fieldset>
      ) : null}
      <fieldset className="fieldset">
        <legend>Environment access</legend>
        {isMaster ? (
          <p className="muted">Master admins reach every product environment.</p>
        ) : (
          <>
            <label className="check">
              <input type="checkbox" checked={values.allEnvironments} onChange={(e) => set('allEnvironments', e.target.checked)} /> Access
              to all environments, present and future
            </label>
            {!values.allEnvironments ? (
              environments ? (
                <Field label="Product environments" error={errors.environments} hint="Ctrl/Cmd-click or Shift+arrows to choose several">
                  {(props) => (
                    <select
                      {...props}
                      multiple
                      size={Math.max(2, Math.min(8, environments.length))}
                      value={values.environmentIds}
                      onChange={(e) => set('environmentIds', selectedValues(e.target))}
                    >
                      <EnvironmentOptions environments={environments} />
                    </select>
                  )}
                </Field>
              ) : (
                <p className="field-error">This key may not list product environments, so it can only give access to all of them.</p>
              )
            ) : null}
          </>
        )}
      </fieldset>
    </DialogForm>
  );
}

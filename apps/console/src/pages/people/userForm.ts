import type { Schemas } from '../../api';
import { isEmail, type SystemRole, type User } from './people';

/** What the user dialog edits. */
export interface UserFormValues {
  name: string;
  email: string;
  role: SystemRole;
  customRoles: string[];
  allEnvironments: boolean;
  environmentIds: string[];
}

export type UserFormErrors = Partial<Record<'name' | 'email' | 'environments', string>>;

export const userFormValues = (user: User | null, defaultRole: SystemRole): UserFormValues =>
  user
    ? {
        name: user.name,
        email: user.email,
        role: user.role,
        customRoles: [...user.custom_roles],
        allEnvironments: user.all_sub_accounts || user.role === 'master_admin',
        environmentIds: [...user.sub_account_ids],
      }
    : { name: '', email: '', role: defaultRole, customRoles: [], allEnvironments: true, environmentIds: [] };

export function validateUserForm(values: UserFormValues): UserFormErrors {
  const errors: UserFormErrors = {};
  if (!values.name.trim()) errors.name = 'Enter a name';
  if (!values.email.trim()) errors.email = 'Enter an email address';
  else if (!isEmail(values.email.trim())) errors.email = 'Enter an email address like name@example.com';
  if (values.role !== 'master_admin' && !values.allEnvironments && values.environmentIds.length === 0) {
    errors.environments = 'Choose at least one product environment, or all of them';
  }
  return errors;
}

/**
 * The body of `POST /users` (no `existing`) or `PUT /users/:id`. Master admins always reach every environment,
 * so their reach is not sent; otherwise it is `all_sub_accounts: true` or the chosen `sub_account_ids` (never both:
 * the API refuses that). On update `custom_roles: []` clears them, and unchanged fields are left out.
 */
export function userBody(values: UserFormValues, existing?: User): Schemas['CreateUserDto'] | Schemas['UpdateUserDto'] {
  const body: Schemas['UpdateUserDto'] = {};
  const name = values.name.trim();
  const email = values.email.trim();
  if (!existing || name !== existing.name) body.name = name;
  if (!existing || email !== existing.email) body.email = email;
  if (!existing || values.role !== existing.role) body.role = values.role;
  if (!existing ? values.customRoles.length > 0 : !sameSet(values.customRoles, existing.custom_roles))
    body.custom_roles = values.customRoles;
  if (values.role !== 'master_admin') {
    if (values.allEnvironments) {
      if (!existing || !existing.all_sub_accounts || existing.role === 'master_admin') body.all_sub_accounts = true;
    } else if (
      !existing ||
      existing.all_sub_accounts ||
      existing.role === 'master_admin' ||
      !sameSet(values.environmentIds, existing.sub_account_ids)
    ) {
      body.sub_account_ids = values.environmentIds;
    }
  }
  return body;
}

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

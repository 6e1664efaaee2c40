import { type Schemas, unionMembers } from '../../api';

export type User = Schemas['UserDto'];
export type Role = Schemas['RoleDto'];
export type GroupMember = Schemas['GroupUserDto'];
export type Group = Schemas['UserGroupDto'];
/** What the people pages show of a product environment. */
export type Environment = Pick<Schemas['EnvironmentDto'], 'id' | 'name' | 'cloud_name' | 'enabled'>;

export type SystemRole = User['role'];
/** The system roles, in the API's order (least privileged last). */
export const SYSTEM_ROLES = unionMembers<SystemRole>()([
  'master_admin',
  'admin',
  'technical_admin',
  'billing',
  'reports',
  'media_library_admin',
  'media_library_user',
]);
/** What a user created without a role gets. */
export const DEFAULT_ROLE: SystemRole = 'media_library_user';

export const ROLE_LABELS: Record<SystemRole, string> = {
  master_admin: 'Master admin',
  admin: 'Admin',
  technical_admin: 'Technical admin',
  billing: 'Billing',
  reports: 'Reports',
  media_library_admin: 'Media Library admin',
  media_library_user: 'Media Library user',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role as SystemRole] ?? role;

/** The plain-language form of an email check: something@something.tld, no spaces. The API has the last word. */
export const isEmail = (value: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/** The values chosen in a `<select multiple>`. */
export const selectedValues = (select: HTMLSelectElement): string[] => Array.from(select.selectedOptions, (o) => o.value);

/** The role filter: a system role by name, or a custom role as `custom:<id>`; the API has no role filter, so it applies here. */
export function matchesRole(user: User, filter: string): boolean {
  if (!filter) return true;
  if (filter.startsWith('custom:')) return user.custom_roles.includes(filter.slice('custom:'.length));
  return user.role === filter;
}

import type { PolicyRule } from '../../api';

/** The system roles, in the API's order (least privileged last). */
export const SYSTEM_ROLES = ['master_admin', 'admin', 'technical_admin', 'billing', 'reports', 'media_library_admin', 'media_library_user'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];
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

export interface User {
  id: string;
  name: string;
  email: string;
  role: SystemRole;
  enabled: boolean;
  pending: boolean;
  sub_account_ids: string[];
  all_sub_accounts: boolean;
  custom_roles: string[];
  last_login: string | null;
  created_at: string;
  updated_at: string;
}

export interface Role {
  id: string;
  name: string;
  description: string | null;
  rules: PolicyRule[];
  system: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface GroupMember {
  id: string;
  name: string;
  email: string;
}

export interface Group {
  id: string;
  name: string;
  users?: GroupMember[];
  created_at?: string;
  updated_at?: string;
}

export interface Environment {
  id: string;
  name: string;
  cloud_name: string;
  enabled: boolean;
}

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

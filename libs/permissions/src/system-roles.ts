import type { PolicyRule } from '@castellan/core';

export const SYSTEM_ROLES = [
  'master_admin',
  'admin',
  'technical_admin',
  'billing',
  'reports',
  'media_library_admin',
  'media_library_user',
] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

const allow = (...actions: string[]): PolicyRule => ({ effect: 'allow', actions });
const deny = (...actions: string[]): PolicyRule => ({ effect: 'deny', actions });

/**
 * Every person manages their own personal keys. These are actions like any other, so that a narrowed key of the
 * user, or a custom role's deny, can take them away: a user's own keys are never managed without a check.
 */
const OWN_KEYS = ['read', 'create', 'update', 'rotate', 'delete'].map((verb) => `provisioning:own_api_keys.${verb}`);

/**
 * What each of Cloudinary's user roles may do, as rules of the permission engine. Security settings and
 * account API keys belong to master admins; everything else follows Cloudinary's descriptions of the roles.
 * Upload and Admin API actions apply in the environments the user reaches.
 */
export const SYSTEM_ROLE_RULES: Record<SystemRole, { description: string; rules: PolicyRule[] }> = {
  master_admin: { description: 'Everything, in every product environment; an account always keeps one', rules: [allow('*')] },
  admin: {
    description: "Everything but security settings, account API keys and ending other people's sessions",
    rules: [
      allow('*'),
      deny(
        'provisioning:security.update',
        'provisioning:account_api_keys.create',
        'provisioning:account_api_keys.update',
        'provisioning:account_api_keys.rotate',
        'provisioning:account_api_keys.permissions.update',
        'provisioning:user_sessions.delete',
      ),
    ],
  },
  technical_admin: {
    description: 'Product environments, their keys and the Upload and Admin APIs: development work',
    rules: [
      allow(
        'provisioning:account.read',
        'provisioning:sub_accounts.read',
        'provisioning:sub_accounts.create',
        'provisioning:sub_accounts.update',
        'provisioning:access_keys.read',
        'provisioning:access_keys.create',
        'provisioning:access_keys.update',
        'provisioning:access_keys.rotate',
        'provisioning:access_keys.delete',
        'provisioning:access_keys.permissions.read',
        'provisioning:access_keys.permissions.update',
        'provisioning:permissions.simulate',
        ...OWN_KEYS,
        'upload:*',
        'admin:*',
      ),
    ],
  },
  billing: {
    description: 'The account and its product environments, read-only',
    rules: [allow('provisioning:account.read', 'provisioning:sub_accounts.read', ...OWN_KEYS)],
  },
  reports: {
    description: 'Usage, assets and the audit log, read-only',
    rules: [
      allow(
        'provisioning:account.read',
        'provisioning:sub_accounts.read',
        'provisioning:audit_events.read',
        ...OWN_KEYS,
        'admin:usage.read',
        'admin:resources.read',
        'admin:search.read',
      ),
    ],
  },
  media_library_admin: {
    description: 'All assets and folders, through the Upload and Admin APIs',
    rules: [
      allow(
        ...OWN_KEYS,
        'upload:*',
        'admin:resources.read',
        'admin:resources.write',
        'admin:resources.delete',
        'admin:folders.read',
        'admin:folders.write',
        'admin:folders.delete',
        'admin:tags.read',
        'admin:search.read',
        'admin:metadata_fields.read',
        'admin:upload_presets.read',
      ),
    ],
  },
  media_library_user: {
    description: 'Upload, tag and download assets; browse and search',
    rules: [
      allow(
        ...OWN_KEYS,
        'upload:upload',
        'upload:tags',
        'upload:context',
        'upload:download',
        'admin:resources.read',
        'admin:folders.read',
        'admin:tags.read',
        'admin:search.read',
      ),
    ],
  },
};

import type { ActionDefinition, ActionScope, PermissionPlugin } from '../permission-plugin.js';

const crud = (family: string, what: string, verbs: [string, string][], scope: ActionScope = 'account'): ActionDefinition[] =>
  verbs.map(([verb, description]) => ({ name: `${family}.${verb}`, description: `${description} ${what}`, attributes: [], scope }));

/**
 * Castellan's own routes: one action per Provisioning API operation. Product environments and their keys are
 * `environment` actions: a user limited to some environments holds them there only, and cannot create new ones.
 * The audit log records every environment, so reading it is one too: only a caller reaching every environment may.
 * The rest concern the account as a whole.
 */
export const provisioningPlugin: PermissionPlugin = {
  name: 'provisioning',
  title: 'Provisioning API',
  description: "Manage the account, its product environments and its keys (Castellan's own REST API)",
  actions: [
    ...crud('account', 'the account (name, limits, endpoints)', [
      ['read', 'Read'],
      ['update', 'Rename'],
    ]),
    ...crud(
      'sub_accounts',
      'product environments',
      [
        ['read', 'List and read'],
        ['create', 'Create'],
        ['update', 'Update'],
        ['delete', 'Delete'],
      ],
      'environment',
    ),
    ...crud(
      'access_keys',
      "product environments' access keys",
      [
        ['read', 'List'],
        ['create', 'Generate'],
        ['update', 'Rename, enable, disable and dedicate'],
        ['rotate', 'Issue a new secret for'],
        ['delete', 'Delete'],
      ],
      'environment',
    ),
    ...crud(
      'access_keys.permissions',
      "the permissions of product environments' access keys",
      [
        ['read', 'Read'],
        ['update', 'Replace'],
      ],
      'environment',
    ),
    ...crud('account_api_keys', 'account API keys', [
      ['read', 'List'],
      ['create', 'Generate'],
      ['update', 'Rename, enable and disable'],
      ['rotate', 'Issue a new secret for'],
      ['delete', 'Try to delete (always refused: account keys are disabled, not deleted)'],
    ]),
    ...crud('account_api_keys.permissions', 'the permissions of account API keys', [
      ['read', 'Read'],
      ['update', 'Replace'],
    ]),
    ...crud('permissions', 'decisions for any key of the account, with a trace', [['simulate', 'Simulate']]),
    ...crud('users', 'the people of the account', [
      ['read', 'List and read'],
      ['create', 'Invite'],
      ['update', 'Update (name, email, role, environments, enabled)'],
      ['delete', 'Delete'],
    ]),
    ...crud('user_groups', 'user groups and their members', [
      ['read', 'List and read'],
      ['create', 'Create'],
      ['update', 'Rename, change members, roles and rules of'],
      ['delete', 'Delete'],
    ]),
    ...crud('roles', 'custom roles', [
      ['read', 'List and read'],
      ['create', 'Create'],
      ['update', 'Update'],
      ['delete', 'Delete'],
    ]),
    ...crud('user_api_keys', "another user's personal API keys", [
      ['read', 'List and read the permissions of'],
      ['create', 'Generate'],
      ['update', 'Rename, enable, disable, limit and narrow'],
      ['rotate', 'Issue a new secret for'],
      ['delete', 'Revoke'],
    ]),
    ...crud('own_api_keys', "the calling user's own personal API keys (every system role holds these)", [
      ['read', 'List and read the permissions of'],
      ['create', 'Generate'],
      ['update', 'Rename, enable, disable, limit and narrow'],
      ['rotate', 'Issue a new secret for'],
      ['delete', 'Revoke'],
    ]),
    ...crud('user_sessions', "another user's console sessions (a person's own need no permission)", [
      ['read', 'List'],
      ['delete', 'End'],
    ]),
    ...crud('security', 'account security settings (two-factor policy, SAML single sign-on)', [
      ['read', 'Read'],
      ['update', 'Change'],
    ]),
    ...crud('verification_codes', 'support verification codes', [
      ['create', 'Send a user'],
      ['verify', 'Check'],
    ]),
    ...crud('audit_events', 'the audit log, which records every product environment', [['read', 'Read']], 'environment'),
  ],
};

import type { PermissionPlugin } from '../permission-plugin.js';

const crud = (family: string, what: string, verbs: [string, string][]) =>
  verbs.map(([verb, description]) => ({ name: `${family}.${verb}`, description: `${description} ${what}`, attributes: [] }));

/** Castellan's own routes: one action per Provisioning API operation. */
export const provisioningPlugin: PermissionPlugin = {
  name: 'provisioning',
  title: 'Provisioning API',
  description: "Manage the account, its product environments and its keys (Castellan's own REST API)",
  actions: [
    ...crud('account', 'the account (name, limits, endpoints)', [
      ['read', 'Read'],
      ['update', 'Rename'],
    ]),
    ...crud('sub_accounts', 'product environments', [
      ['read', 'List and read'],
      ['create', 'Create'],
      ['update', 'Update'],
      ['delete', 'Delete'],
    ]),
    ...crud('access_keys', "product environments' access keys", [
      ['read', 'List'],
      ['create', 'Generate'],
      ['update', 'Rename, enable, disable and dedicate'],
      ['rotate', 'Issue a new secret for'],
      ['delete', 'Delete'],
    ]),
    ...crud('access_keys.permissions', "the permissions of product environments' access keys", [
      ['read', 'Read'],
      ['update', 'Replace'],
    ]),
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
    ...crud('user_api_keys', "users' personal API keys (a user's own keys need no action)", [
      ['read', 'List anyone\'s'],
      ['create', 'Generate for anyone'],
      ['update', 'Rename, enable and disable anyone\'s'],
      ['rotate', 'Issue a new secret for anyone\'s'],
      ['delete', 'Revoke anyone\'s'],
    ]),
    ...crud('security', 'account security settings (two-factor policy, SAML single sign-on)', [
      ['read', 'Read'],
      ['update', 'Change'],
    ]),
    ...crud('verification_codes', 'support verification codes', [
      ['create', 'Send a user'],
      ['verify', 'Check'],
    ]),
    ...crud('audit_events', 'the audit log', [['read', 'Read']]),
  ],
};

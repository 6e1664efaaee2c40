import { BUILTIN_PLUGINS, compilePolicy, PermissionCatalog, SYSTEM_ROLE_RULES, validatePolicy } from './index.js';

const catalog = new PermissionCatalog(BUILTIN_PLUGINS);

describe('system roles', () => {
  test.each(Object.entries(SYSTEM_ROLE_RULES))('%s is a valid policy of the built-in catalogue', (_, role) => {
    expect(validatePolicy({ rules: role.rules }, catalog)).toEqual(role.rules);
  });

  test('only master_admin may change security settings', () => {
    const holders = Object.entries(SYSTEM_ROLE_RULES).filter(([, role]) =>
      role.rules.some((r) => r.effect === 'allow' && r.actions.some((a) => a === '*' || a === 'provisioning:security.update')) &&
      !role.rules.some((r) => r.effect === 'deny' && r.actions.includes('provisioning:security.update')),
    );
    expect(holders.map(([name]) => name)).toEqual(['master_admin']);
  });

  // Rotating a key's secret is a change to the key: whoever may change a kind of key may rotate it, nobody else.
  test.each(['access_keys', 'account_api_keys', 'user_api_keys'])('the roles that may rotate %s are those that may update them', (family) => {
    const holders = (action: string) =>
      Object.entries(SYSTEM_ROLE_RULES)
        .filter(([, role]) => compilePolicy(role.rules, catalog).decide(`provisioning:${family}.${action}`).allowed)
        .map(([name]) => name);
    expect(holders('rotate')).toEqual(holders('update'));
    expect(holders('rotate')).toContain('master_admin');
  });
});

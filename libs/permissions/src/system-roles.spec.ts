import { BUILTIN_PLUGINS, PermissionCatalog, SYSTEM_ROLE_RULES, validatePolicy } from './index.js';

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
});

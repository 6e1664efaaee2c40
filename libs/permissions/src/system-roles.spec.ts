import {
  BUILTIN_PLUGINS,
  compilePolicy,
  firstExcess,
  PermissionCatalog,
  PrincipalPolicy,
  SYSTEM_ROLE_RULES,
  SYSTEM_ROLES,
  validatePolicy,
} from './index.js';
import type { SystemRole } from './index.js';

const catalog = new PermissionCatalog(BUILTIN_PLUGINS);

describe('system roles', () => {
  test.each(Object.entries(SYSTEM_ROLE_RULES))('%s is a valid policy of the built-in catalogue', (_, role) => {
    expect(validatePolicy({ rules: role.rules }, catalog)).toEqual(role.rules);
  });

  test('only master_admin may change security settings', () => {
    const holders = Object.entries(SYSTEM_ROLE_RULES).filter(
      ([, role]) =>
        role.rules.some((r) => r.effect === 'allow' && r.actions.some((a) => a === '*' || a === 'provisioning:security.update')) &&
        !role.rules.some((r) => r.effect === 'deny' && r.actions.includes('provisioning:security.update')),
    );
    expect(holders.map(([name]) => name)).toEqual(['master_admin']);
  });

  // Rotating a key's secret is a change to the key: whoever may change a kind of key may rotate it, nobody else.
  test.each(['access_keys', 'account_api_keys', 'user_api_keys'])(
    'the roles that may rotate %s are those that may update them',
    (family) => {
      const holders = (action: string) =>
        Object.entries(SYSTEM_ROLE_RULES)
          .filter(([, role]) => compilePolicy(role.rules, catalog).decide(`provisioning:${family}.${action}`).allowed)
          .map(([name]) => name);
      expect(holders('rotate')).toEqual(holders('update'));
      expect(holders('rotate')).toContain('master_admin');
    },
  );

  test.each(SYSTEM_ROLES)('%s manages its own personal keys', (name) => {
    const policy = compilePolicy(SYSTEM_ROLE_RULES[name].rules, catalog);
    for (const verb of ['read', 'create', 'update', 'rotate', 'delete'])
      expect(policy.holdsUnconditionally(`provisioning:own_api_keys.${verb}`)).toBe(true);
  });

  // The grant invariant lets a user make or change only users who hold no more than it: the roles must nest as expected.
  const holds = (caller: SystemRole, target: SystemRole) => {
    const of = (role: SystemRole) => ({
      policy: new PrincipalPolicy([[compilePolicy(SYSTEM_ROLE_RULES[role].rules, catalog)]]),
      reach: null,
    });
    return firstExcess(of(target), of(caller), catalog.all()) === null;
  };
  test.each(SYSTEM_ROLES)('a master admin holds everything %s holds; an admin too, but for master_admin', (role) => {
    expect(holds('master_admin', role)).toBe(true);
    expect(holds('admin', role)).toBe(role !== 'master_admin');
  });

  test('the narrower roles hold no more than technical_admin or media_library_admin, as their descriptions say', () => {
    expect(holds('technical_admin', 'billing')).toBe(true);
    expect(holds('media_library_admin', 'media_library_user')).toBe(true);
    expect(holds('technical_admin', 'reports')).toBe(false);
    expect(holds('media_library_user', 'media_library_admin')).toBe(false);
  });
});

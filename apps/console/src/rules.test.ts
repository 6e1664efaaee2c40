import { describe, expect, it } from 'vitest';
import { covers, mayPerform } from './rules';

describe('mayPerform', () => {
  it('follows wildcards', () => {
    expect(covers('*', 'provisioning:users.read')).toBe(true);
    expect(covers('provisioning:*', 'provisioning:users.read')).toBe(true);
    expect(covers('provisioning:*', 'upload:upload')).toBe(false);
    expect(covers('provisioning:users.read', 'provisioning:users.update')).toBe(false);
  });

  it('shows what some rule allows and no unconditional rule denies', () => {
    const rules = [
      { effect: 'allow' as const, actions: ['provisioning:*'] },
      { effect: 'deny' as const, actions: ['provisioning:security.update'] },
      { effect: 'deny' as const, actions: ['provisioning:users.delete'], conditions: { role: 'master_admin' } },
    ];
    expect(mayPerform(rules, 'provisioning:users.read')).toBe(true);
    expect(mayPerform(rules, 'provisioning:security.update')).toBe(false);
    expect(mayPerform(rules, 'provisioning:users.delete')).toBe(true);
    expect(mayPerform(rules, 'upload:upload')).toBe(false);
  });
});

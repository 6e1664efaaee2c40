import { describe, expect, it } from 'vitest';
import { isEmail, matchesRole, type User } from './people';
import { formatRules, parseRules } from './rulesJson';
import { userBody, userFormValues, validateUserForm } from './userForm';

const user: User = {
  id: 'u1',
  name: 'Jenny Bar',
  email: 'jenny@example.com',
  role: 'technical_admin',
  enabled: true,
  pending: true,
  sub_account_ids: ['e1', 'e2'],
  all_sub_accounts: false,
  custom_roles: ['r1'],
  last_login: null,
  created_at: '2026-11-22T08:00:16Z',
  updated_at: '2026-11-22T08:00:16Z',
};

describe('user form', () => {
  it('validates the required fields and the email format', () => {
    const empty = userFormValues(null, 'media_library_user');
    expect(validateUserForm(empty)).toEqual({ name: 'Enter a name', email: 'Enter an email address' });
    expect(validateUserForm({ ...empty, name: 'A', email: 'not-an-email' }).email).toMatch(/like name@example.com/);
    expect(validateUserForm({ ...empty, name: 'A', email: 'a@b.co', allEnvironments: false }).environments).toBeDefined();
    expect(validateUserForm({ ...empty, name: 'A', email: 'a@b.co', allEnvironments: false, role: 'master_admin' })).toEqual({});
    expect(isEmail('jenny@example.com')).toBe(true);
    expect(isEmail('jenny@example')).toBe(false);
  });

  it('creates with the role, custom roles and either every environment or the chosen ones', () => {
    const values = { ...userFormValues(null, 'media_library_user'), name: ' Jenny ', email: 'jenny@example.com ' };
    expect(userBody(values)).toEqual({ name: 'Jenny', email: 'jenny@example.com', role: 'media_library_user', all_sub_accounts: true });
    expect(userBody({ ...values, role: 'admin', customRoles: ['r1'], allEnvironments: false, environmentIds: ['e1'] })).toEqual({
      name: 'Jenny',
      email: 'jenny@example.com',
      role: 'admin',
      custom_roles: ['r1'],
      sub_account_ids: ['e1'],
    });
    expect(userBody({ ...values, role: 'master_admin', allEnvironments: false, environmentIds: ['e1'] })).not.toHaveProperty(
      'sub_account_ids',
    );
  });

  it('updates only what changed, clearing custom roles with []', () => {
    const values = userFormValues(user, 'media_library_user');
    expect(userBody(values, user)).toEqual({});
    expect(userBody({ ...values, environmentIds: ['e2', 'e1'] }, user)).toEqual({});
    expect(userBody({ ...values, role: 'admin', customRoles: [] }, user)).toEqual({ role: 'admin', custom_roles: [] });
    expect(userBody({ ...values, allEnvironments: true }, user)).toEqual({ all_sub_accounts: true });
    expect(userBody({ ...values, environmentIds: ['e1'] }, user)).toEqual({ sub_account_ids: ['e1'] });
  });

  it('filters by system role or custom role', () => {
    expect(matchesRole(user, '')).toBe(true);
    expect(matchesRole(user, 'technical_admin')).toBe(true);
    expect(matchesRole(user, 'admin')).toBe(false);
    expect(matchesRole(user, 'custom:r1')).toBe(true);
    expect(matchesRole(user, 'custom:r2')).toBe(false);
  });
});

describe('rules JSON', () => {
  it('reads a valid array of rules', () => {
    const text =
      '[{"effect":"allow","actions":["upload:upload"]},{"effect":"deny","actions":["upload:destroy"],"conditions":{"folder":"x"}}]';
    expect(parseRules(text)).toEqual({ rules: JSON.parse(text), error: null });
    expect(parseRules('[]')).toEqual({ rules: [], error: null });
  });

  it('says what is wrong', () => {
    expect(parseRules('').error).toMatch(/JSON array/);
    expect(parseRules('[{').error).toMatch(/^Not valid JSON/);
    expect(parseRules('{"effect":"allow"}').error).toMatch(/must be a JSON array/);
    expect(parseRules('[{"effect":"maybe","actions":["a"]}]').error).toBe('Rule 1: effect must be "allow" or "deny"');
    expect(parseRules('[{"effect":"allow","actions":[]}]').error).toMatch(/Rule 1: actions/);
    expect(parseRules('[{"effect":"allow","actions":["a"]}, 3]').error).toMatch(/Rule 2 must be an object/);
    expect(parseRules('[{"effect":"allow","actions":["a"],"conditions":[]}]').error).toMatch(/conditions must be an object/);
  });

  it('formats rules one per line, and reads them back', () => {
    const rules = [{ effect: 'allow' as const, actions: ['upload:*'] }];
    expect(formatRules([])).toBe('[]');
    expect(formatRules(rules)).toBe('[\n  {"effect":"allow","actions":["upload:*"]}\n]');
    expect(parseRules(formatRules(rules)).rules).toEqual(rules);
  });
});

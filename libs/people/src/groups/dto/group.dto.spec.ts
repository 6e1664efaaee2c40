import 'reflect-metadata';
import { GroupDetailsQueryDto, GroupNameDto, GroupPermissionsInputDto } from './group.dto.js';
import { accepted, refused } from '../../../../../test/support/dto-validation.js';

// A user group's name, its permissions (custom roles and rules, each replacing the list) and the details query.

describe('GroupNameDto', () => {
  test('a name, trimmed, unicode kept', async () => {
    expect(await accepted(GroupNameDto, { name: '  Designers · デザイナー ' })).toEqual({ name: 'Designers · デザイナー' });
  });

  test.each([
    ['no name', {}, 'name is required'],
    ['a blank name', { name: '\t' }, 'name is required'],
    ['a name with a NUL', { name: 'a\u0000' }, 'name must not contain control characters'],
    ['a name that is a list', { name: ['a'] }, 'name must be a string'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(GroupNameDto, body)).toBe(message);
  });
});

describe('GroupPermissionsInputDto', () => {
  test('custom roles as a list, rules as an array (or JSON text)', async () => {
    const rules = [{ effect: 'deny', actions: ['upload:destroy'] }];
    expect(await accepted(GroupPermissionsInputDto, { roles: 'r1,r2', rules: JSON.stringify(rules) })).toEqual({
      roles: ['r1', 'r2'],
      rules,
    });
    expect(await accepted(GroupPermissionsInputDto, { rules: [] })).toEqual({ rules: [] });
  });

  test.each([
    ['no rules', { roles: ['r1'] }, 'rules is required'],
    ['rules that are text', { rules: 'deny everything' }, 'rules must be an array'],
    ['a role id of 65 characters', { roles: ['r'.repeat(65)], rules: [] }, 'each of roles must be at most 64 characters'],
    ['101 roles', { roles: Array.from({ length: 101 }, (_, i) => `r${i}`), rules: [] }, 'roles may hold at most 100 values'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(GroupPermissionsInputDto, body)).toBe(message);
  });
});

describe('GroupDetailsQueryDto', () => {
  test.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['', undefined],
  ])('extended_details=%s', async (extended_details, value) => {
    expect((await accepted(GroupDetailsQueryDto, { extended_details })).extended_details).toBe(value);
  });

  test('anything else is refused', async () => {
    expect(await refused(GroupDetailsQueryDto, { extended_details: 'yes' })).toBe('extended_details must be true or false');
  });
});

import 'reflect-metadata';
import { CreateRoleDto, UpdateRoleDto } from './role.dto.js';
import { accepted, refused } from '../../../../../test/support/dto-validation.js';

// A custom role's body: a name, a description, and rules as a JSON array (JSON text in a form body). The rules'
// content is checked against the catalogue by the service; here only their shape.

const rules = [{ effect: 'allow', actions: ['upload:*'], conditions: { folder: { $regex: '^public/' } } }];

describe('CreateRoleDto', () => {
  test('rules as JSON or as JSON text, kept as they are for the service to check', async () => {
    expect(await accepted(CreateRoleDto, { name: ' Uploaders ', description: 'Can upload', rules })).toEqual({
      name: 'Uploaders',
      description: 'Can upload',
      rules,
    });
    expect(await accepted(CreateRoleDto, { name: 'U', rules: JSON.stringify(rules) })).toEqual({ name: 'U', rules });
    expect(await accepted(CreateRoleDto, { name: 'U', rules: [] })).toEqual({ name: 'U', rules: [] });
  });

  test.each([
    ['no rules', { name: 'U' }, 'rules is required'],
    ['rules ""', { name: 'U', rules: '' }, 'rules is required'],
    ['rules that are an object', { name: 'U', rules: { effect: 'allow' } }, 'rules must be an array'],
    ['rules that are not JSON', { name: 'U', rules: '[{effect:allow}]' }, 'rules must be an array'],
    ['no name', { rules }, 'name is required'],
    ['a name of 256 characters', { name: 'n'.repeat(256), rules }, 'name must be at most 255 characters'],
    [
      'a description of 1001 characters',
      { name: 'U', description: 'd'.repeat(1001), rules },
      'description must be at most 1000 characters',
    ],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(CreateRoleDto, body)).toBe(message);
  });

  test('rules nested deeper than JSON may go are refused before they are parsed', async () => {
    const deep = `[${'['.repeat(10_000)}${']'.repeat(10_000)}]`;
    expect(await refused(CreateRoleDto, { name: 'U', rules: deep })).toBe('JSON may nest at most 64 levels deep');
  });
});

describe('UpdateRoleDto', () => {
  test('every field is optional, the rules included', async () => {
    expect(await accepted(UpdateRoleDto, {})).toEqual({});
    expect(await accepted(UpdateRoleDto, { rules: null, name: '' })).toEqual({});
    expect(await refused(UpdateRoleDto, { rules: 'allow' })).toBe('rules must be an array');
  });
});

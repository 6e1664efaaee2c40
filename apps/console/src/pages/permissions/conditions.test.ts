import { describe, expect, it } from 'vitest';
import {
  addCondition,
  describeConditions,
  describeRule,
  listConditions,
  operatorsFor,
  parseConditionsJson,
  parseConditionValue,
  removeCondition,
} from './conditions';
import { allow, prodOnly } from './test-fixtures';

describe('conditions', () => {
  it('offers the operators the API accepts for each type', () => {
    expect(operatorsFor('string').map((o) => o.value)).toEqual([
      'equals',
      '$ne',
      '$in',
      '$nin',
      '$regex',
      '$lt',
      '$lte',
      '$gt',
      '$gte',
      '$exists',
    ]);
    expect(operatorsFor('number').map((o) => o.value)).not.toContain('$regex');
    expect(operatorsFor('boolean').map((o) => o.value)).toEqual(['equals', '$ne', '$exists']);
    expect(operatorsFor('string[]').map((o) => o.value)).toEqual(['equals', '$ne', '$in', '$nin', '$all', '$size', '$exists']);
    expect(operatorsFor('string[]')[0]!.label).toBe('contains');
  });

  it('parses typed values', () => {
    expect(parseConditionValue('equals', 'string', 'prod/cats')).toEqual({ ok: true, value: 'prod/cats' });
    expect(parseConditionValue('equals', 'string', '')).toMatchObject({ ok: false });
    expect(parseConditionValue('$lt', 'number', ' 1024 ')).toEqual({ ok: true, value: 1024 });
    expect(parseConditionValue('$lt', 'number', 'many')).toEqual({ ok: false, error: '"many" is not a number' });
    expect(parseConditionValue('$lt', 'number', '')).toMatchObject({ ok: false });
    expect(parseConditionValue('equals', 'boolean', 'false')).toEqual({ ok: true, value: false });
    expect(parseConditionValue('equals', 'boolean', 'no')).toMatchObject({ ok: false });
    expect(parseConditionValue('$in', 'string', 'image, video,,raw ')).toEqual({ ok: true, value: ['image', 'video', 'raw'] });
    expect(parseConditionValue('$in', 'number', '1, 2')).toEqual({ ok: true, value: [1, 2] });
    expect(parseConditionValue('$in', 'number', '1, x')).toMatchObject({ ok: false });
    expect(parseConditionValue('$all', 'string[]', 'a,b')).toEqual({ ok: true, value: ['a', 'b'] });
    expect(parseConditionValue('$nin', 'string', ' , ')).toMatchObject({ ok: false });
    expect(parseConditionValue('equals', 'string[]', 'cat')).toEqual({ ok: true, value: 'cat' });
    expect(parseConditionValue('$exists', 'string', 'true')).toEqual({ ok: true, value: true });
    expect(parseConditionValue('$size', 'string[]', '3')).toEqual({ ok: true, value: 3 });
    expect(parseConditionValue('$size', 'string[]', '-1')).toMatchObject({ ok: false });
    expect(parseConditionValue('$regex', 'string', '^prod/')).toEqual({ ok: true, value: '^prod/' });
    expect(parseConditionValue('$regex', 'string', '(')).toEqual({ ok: false, error: 'This is not a valid regular expression' });
  });

  it('adds, lists and removes conditions', () => {
    let c = addCondition({}, 'folder', '$regex', '^prod/');
    expect(c).toEqual({ folder: { $regex: '^prod/' } });
    c = addCondition(c, 'folder', '$ne', 'prod/keep');
    c = addCondition(c, 'resource_type', 'equals', 'image');
    expect(c).toEqual({ folder: { $regex: '^prod/', $ne: 'prod/keep' }, resource_type: 'image' });
    // An operator next to a plain value keeps the value as $eq; a plain value next to operators becomes $eq.
    expect(addCondition(c, 'resource_type', '$ne', 'raw')).toEqual({ ...c, resource_type: { $eq: 'image', $ne: 'raw' } });
    expect(addCondition(c, 'folder', 'equals', 'x')).toEqual({ ...c, folder: { $regex: '^prod/', $ne: 'prod/keep', $eq: 'x' } });
    expect(listConditions(c)).toEqual([
      { attribute: 'folder', operator: '$regex', value: '^prod/' },
      { attribute: 'folder', operator: '$ne', value: 'prod/keep' },
      { attribute: 'resource_type', operator: 'equals', value: 'image' },
    ]);
    expect(removeCondition(c, 'folder', '$ne')).toEqual({ folder: { $regex: '^prod/' }, resource_type: 'image' });
    expect(removeCondition(removeCondition(c, 'folder', '$ne'), 'folder', '$regex')).toEqual({ resource_type: 'image' });
    expect(removeCondition(c, 'resource_type', 'equals')).toEqual({ folder: { $regex: '^prod/', $ne: 'prod/keep' } });
  });

  it('describes conditions in words', () => {
    expect(
      describeConditions({ folder: { $regex: '^prod/' }, resource_type: { $in: ['image', 'video'] }, bytes: { $gte: 10, $lt: 20 } }),
    ).toBe('folder matches ^prod/ and resource_type is one of ["image", "video"] and bytes ≥ 10 and bytes < 20');
    expect(describeConditions({ tags: 'cat' }, (a) => (a === 'tags' ? 'string[]' : undefined))).toBe('tags contains "cat"');
    expect(describeConditions({ tags: { $elemMatch: { $regex: '^x' } }, folder: { $exists: false }, n: { $size: 1 } })).toBe(
      'tags has an item where it matches ^x and folder is missing and n has 1 item',
    );
    expect(describeConditions({})).toBe('always');
    expect(describeRule({ effect: 'deny', actions: ['upload:destroy'], conditions: prodOnly })).toBe(
      'deny upload:destroy when folder matches ^prod/',
    );
    expect(describeRule(allow('upload:*', 'admin:*'))).toBe('allow upload:*, admin:*');
  });

  it('reads the Conditions (JSON) field', () => {
    expect(parseConditionsJson('{"folder": {"$regex": "^prod/"}}')).toEqual({ ok: true, value: prodOnly });
    expect(parseConditionsJson('  ')).toEqual({ ok: true, value: {} });
    expect(parseConditionsJson('[1]')).toMatchObject({ ok: false });
    expect(parseConditionsJson('{"folder":')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not valid JSON/) });
  });
});

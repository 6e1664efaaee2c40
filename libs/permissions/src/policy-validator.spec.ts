import { AppError, ErrorCode } from '@castellan/core';
import { catalog } from './test-catalog.fixture.js';
import { validatePolicy, type ValidationOptions } from './policy-validator.js';

const REFUSE: ValidationOptions = { refuse: { prefix: 'provisioning:', reason: 'env keys cannot' } };

/** The AppError validatePolicy throws, or a failure when it does not throw one. */
function errorOf(body: unknown, options: ValidationOptions = {}): AppError {
  try {
    validatePolicy(body, catalog, options);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    expect(err.code).toBe(ErrorCode.InvalidInput);
    return err;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

/** One rule on files:read (or on the given actions) with these conditions. */
const withConditions = (conditions: unknown, actions: string[] = ['files:read']) => ({
  rules: [{ effect: 'allow', actions, conditions }],
});

const stringOf = (n: number) => 'a'.repeat(n);
const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('validatePolicy: the body', () => {
  test.each<[string, unknown]>([
    ['null', null],
    ['a string', 'rules'],
    ['a number', 42],
    ['an array', [{ effect: 'allow', actions: ['*'] }]],
    ['an object without rules', {}],
    ['rules as an object', { rules: { effect: 'allow', actions: ['*'] } }],
    ['rules as a string', { rules: '*' }],
    ['rules null', { rules: null }],
  ])('refuses %s', (_, body) => {
    expect(errorOf(body).message).toMatch(/^rules: /);
  });

  test('accepts an empty rule list', () => {
    expect(validatePolicy({ rules: [] }, catalog)).toEqual([]);
  });

  test('accepts 100 rules and refuses 101', () => {
    const rule = { effect: 'allow', actions: ['files:read'] };
    expect(validatePolicy({ rules: Array(100).fill(rule) }, catalog)).toHaveLength(100);
    expect(errorOf({ rules: Array(101).fill(rule) }).message).toMatch(/^rules: .*100/);
  });

  test('returns the rules, with their conditions', () => {
    const rules = [
      { effect: 'allow', actions: ['files:*'], conditions: { folder: 'a' } },
      { effect: 'deny', actions: ['files:delete'] },
    ];
    expect(validatePolicy({ rules }, catalog)).toEqual(rules);
  });

  test('reports the first offending rule by its index', () => {
    const body = {
      rules: [
        { effect: 'allow', actions: ['*'] },
        { effect: 'allow', actions: ['*'] },
        { effect: 'maybe', actions: ['*'] },
      ],
    };
    expect(errorOf(body).message).toMatch(/^rules\[2\]\.effect: /);
  });
});

describe('validatePolicy: a rule', () => {
  test.each<[string, unknown, string]>([
    ['null', null, 'rules[0]: '],
    ['a string', 'allow *', 'rules[0]: '],
    ['an array', ['allow', ['*']], 'rules[0]: '],
    ['with an unknown field', { effect: 'allow', actions: ['*'], resources: ['x'] }, 'rules[0].resources: '],
    ['with effect "permit"', { effect: 'permit', actions: ['*'] }, 'rules[0].effect: '],
    ['with effect "Allow"', { effect: 'Allow', actions: ['*'] }, 'rules[0].effect: '],
    ['without effect', { actions: ['*'] }, 'rules[0].effect: '],
    ['without actions', { effect: 'allow' }, 'rules[0].actions: '],
    ['with empty actions', { effect: 'allow', actions: [] }, 'rules[0].actions: '],
    ['with actions not an array', { effect: 'allow', actions: 'files:read' }, 'rules[0].actions: '],
    ['with a non-string action', { effect: 'allow', actions: ['files:read', 7] }, 'rules[0].actions[1]: '],
    ['with an unknown action', { effect: 'allow', actions: ['files:rename'] }, 'rules[0].actions[0]: '],
    ['with an unknown plugin wildcard', { effect: 'allow', actions: ['nope:*'] }, 'rules[0].actions[0]: '],
    ['with a partial wildcard', { effect: 'allow', actions: ['files:re*'] }, 'rules[0].actions[0]: '],
    ['with conditions as a string', { effect: 'allow', actions: ['files:read'], conditions: 'folder=a' }, 'rules[0].conditions: '],
    ['with conditions as an array', { effect: 'allow', actions: ['files:read'], conditions: [{ folder: 'a' }] }, 'rules[0].conditions: '],
  ])('refuses a rule %s', (_, rule, prefix) => {
    expect(errorOf({ rules: [rule] }).message.startsWith(prefix)).toBe(true);
  });

  test.each([
    ['nope:*', /nope:\*/],
    ['files:rename', /files:rename/],
  ])('names the unknown action %s', (action, name) => {
    expect(errorOf({ rules: [{ effect: 'allow', actions: [action] }] }).message).toMatch(name);
  });

  test.each([[['*']], [['files:*']], [['files:read']], [['files:read', 'admin_x:ping', 'provisioning:thing.read']], [['*', 'files:*']]])(
    'accepts actions %j',
    (actions) => {
      expect(validatePolicy({ rules: [{ effect: 'deny', actions }] }, catalog)).toEqual([{ effect: 'deny', actions }]);
    },
  );

  test.each([null, undefined])('treats conditions %p as none', (conditions) => {
    expect(validatePolicy({ rules: [{ effect: 'allow', actions: ['files:read'], conditions }] }, catalog)).toEqual([
      { effect: 'allow', actions: ['files:read'] },
    ]);
  });
});

describe('validatePolicy: attributes a condition may use', () => {
  test.each<[string, string[], Record<string, unknown>]>([
    ['tags on read+write', ['files:read', 'files:write'], { tags: 'x' }],
    ['folder on every files action', ['files:*'], { folder: 'a' }],
    ['folder on read+delete', ['files:read', 'files:delete'], { folder: 'a' }],
    ['size on read', ['files:read'], { size: 1 }],
  ])('accepts %s', (_, actions, conditions) => {
    expect(validatePolicy(withConditions(conditions, actions), catalog)[0]!.conditions).toEqual(conditions);
  });

  test.each<[string, string[], Record<string, unknown>, string]>([
    ['tags on read+delete', ['files:read', 'files:delete'], { tags: 'x' }, 'tags'],
    ['size on read+write', ['files:read', 'files:write'], { size: 1 }, 'size'],
    ['tags on files:*', ['files:*'], { tags: 'x' }, 'tags'],
    ['folder on *', ['*'], { folder: 'a' }, 'folder'],
    ['folder on admin_x:ping', ['admin_x:ping'], { folder: 'a' }, 'folder'],
    ['an undeclared attribute', ['files:read'], { owner: 'me' }, 'owner'],
  ])('refuses %s, naming the attribute', (_, actions, conditions, name) => {
    const message = errorOf(withConditions(conditions, actions)).message;
    expect(message.startsWith(`rules[0].conditions.${name}: `)).toBe(true);
    expect(message).toContain(`"${name}"`);
  });

  test.each(['$or', '$and', '$where', '$nor', '$expr', '$text'])('refuses a top-level %s', (op) => {
    const message = errorOf(withConditions({ [op]: [{ folder: 'a' }] })).message;
    expect(message.startsWith(`rules[0].conditions.${op}: `)).toBe(true);
    expect(message).toContain(op);
  });

  test('refuses a nested attribute', () => {
    expect(errorOf(withConditions({ folder: { sub: 1 } })).message).toMatch(/^rules\[0\]\.conditions\.folder\.sub: /);
  });

  test('refuses an empty operator object', () => {
    expect(errorOf(withConditions({ folder: {} })).message).toMatch(/^rules\[0\]\.conditions\.folder: /);
  });
});

describe('validatePolicy: operators', () => {
  test.each<[string, Record<string, unknown>]>([
    ['string equality', { folder: 'a' }],
    ['number equality', { size: 3 }],
    ['boolean equality', { public: true }],
    ['$eq', { folder: { $eq: 'a' } }],
    ['$ne', { folder: { $ne: 'a' } }],
    ['$in', { folder: { $in: ['a', 'b'] } }],
    ['$in with 100 values', { folder: { $in: values(100) } }],
    ['$nin', { size: { $nin: [1, 2] } }],
    ['$lt', { size: { $lt: 10 } }],
    ['$lte', { size: { $lte: 10 } }],
    ['$gt', { size: { $gt: 10 } }],
    ['$gte', { size: { $gte: 10 } }],
    ['$lt on a string', { folder: { $lt: 'm' } }],
    ['$gt and $lt together', { size: { $gt: 1, $lt: 10 } }],
    ['$exists true', { folder: { $exists: true } }],
    ['$exists false', { public: { $exists: false } }],
    ['$regex', { folder: { $regex: '^prod/' } }],
    ['$regex of 256 characters', { folder: { $regex: stringOf(256) } }],
    ['$eq and $ne on a boolean', { public: { $eq: true, $ne: false } }],
    ['tags containment', { tags: 'x' }],
    ['$eq on tags', { tags: { $eq: 'x' } }],
    ['$ne on tags', { tags: { $ne: 'x' } }],
    ['$in on tags', { tags: { $in: ['x', 'y'] } }],
    ['$nin on tags', { tags: { $nin: ['x'] } }],
    ['$exists on tags', { tags: { $exists: true } }],
    ['$all', { tags: { $all: ['x', 'y'] } }],
    ['$size', { tags: { $size: 2 } }],
    ['$size 0', { tags: { $size: 0 } }],
    ['$elemMatch', { tags: { $elemMatch: { $regex: '^a' } } }],
    ['$elemMatch with several operators', { tags: { $elemMatch: { $gte: 'a', $lt: 'b', $ne: 'ab' } } }],
  ])('accepts %s', (_, conditions) => {
    expect(validatePolicy(withConditions(conditions), catalog)).toEqual([{ effect: 'allow', actions: ['files:read'], conditions }]);
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['$where', { folder: { $where: 'true' } }, 'folder.$where', '$where'],
    ['$expr', { size: { $expr: { $gt: 1 } } }, 'size.$expr', '$expr'],
    ['$or', { folder: { $or: [{ $eq: 'a' }] } }, 'folder.$or', '$or'],
    ['$and', { folder: { $and: [{ $eq: 'a' }] } }, 'folder.$and', '$and'],
    ['$not', { folder: { $not: { $eq: 'a' } } }, 'folder.$not', '$not'],
    ['$nor', { folder: { $nor: [{ $eq: 'a' }] } }, 'folder.$nor', '$nor'],
    ['$text', { folder: { $text: { $search: 'a' } } }, 'folder.$text', '$text'],
    ['$mod', { size: { $mod: [2, 0] } }, 'size.$mod', '$mod'],
    ['$type', { folder: { $type: 'string' } }, 'folder.$type', '$type'],
    ['$options', { folder: { $regex: 'a', $options: 'i' } }, 'folder.$options', '$options'],
    ['$all on a scalar', { folder: { $all: ['a'] } }, 'folder.$all', '$all'],
    ['$size on a scalar', { folder: { $size: 1 } }, 'folder.$size', '$size'],
    ['$elemMatch on a scalar', { folder: { $elemMatch: { $eq: 'a' } } }, 'folder.$elemMatch', '$elemMatch'],
    ['$lt on a boolean', { public: { $lt: true } }, 'public.$lt', '$lt'],
    ['$gte on a boolean', { public: { $gte: false } }, 'public.$gte', '$gte'],
    ['$regex on string[]', { tags: { $regex: '^a' } }, 'tags.$regex', '$regex'],
    ['$lt on string[]', { tags: { $lt: 'a' } }, 'tags.$lt', '$lt'],
    ['$where inside $elemMatch', { tags: { $elemMatch: { $where: 'true' } } }, 'tags.$elemMatch.$where', '$where'],
    ['$elemMatch inside $elemMatch', { tags: { $elemMatch: { $elemMatch: { $eq: 'a' } } } }, 'tags.$elemMatch.$elemMatch', '$elemMatch'],
    ['an unknown operator', { folder: { $like: 'a%' } }, 'folder.$like', '$like'],
  ])('refuses %s, naming it', (_, conditions, path, op) => {
    const message = errorOf(withConditions(conditions)).message;
    expect(message.startsWith(`rules[0].conditions.${path}: `)).toBe(true);
    expect(message.slice(`rules[0].conditions.${path}: `.length)).toContain(op);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['$in not an array', { folder: { $in: 'a' } }, 'folder.$in'],
    ['$nin not an array', { folder: { $nin: 'a' } }, 'folder.$nin'],
    ['$all not an array', { tags: { $all: 'a' } }, 'tags.$all'],
    ['$in with 101 values', { folder: { $in: values(101) } }, 'folder.$in'],
    ['$in with a number for a string attribute', { folder: { $in: ['a', 1] } }, 'folder.$in[1]'],
    ['$size -1', { tags: { $size: -1 } }, 'tags.$size'],
    ['$size 1.5', { tags: { $size: 1.5 } }, 'tags.$size'],
    ['$size "2"', { tags: { $size: '2' } }, 'tags.$size'],
    ['$exists "yes"', { folder: { $exists: 'yes' } }, 'folder.$exists'],
    ['$exists 1', { folder: { $exists: 1 } }, 'folder.$exists'],
    ['a number for a string attribute', { folder: 1 }, 'folder'],
    ['$eq with a number for a string attribute', { folder: { $eq: 1 } }, 'folder.$eq'],
    ['a string for a number attribute', { size: '10' }, 'size'],
    ['$gt with a string for a number attribute', { size: { $gt: '10' } }, 'size.$gt'],
    ['a string for a boolean attribute', { public: 'true' }, 'public'],
    ['a number for a string[] attribute', { tags: 1 }, 'tags'],
    ['an array for a string attribute', { folder: ['a'] }, 'folder'],
    ['null equality', { folder: null }, 'folder'],
    ['null equality on string[]', { tags: null }, 'tags'],
    ['$eq null', { folder: { $eq: null } }, 'folder.$eq'],
    ['null in $in', { folder: { $in: ['a', null] } }, 'folder.$in[1]'],
    ['an exact array for string[] (use $all and $size)', { tags: ['x', 'y'] }, 'tags'],
    ['$eq with an array', { tags: { $eq: ['x'] } }, 'tags.$eq'],
    ['an array holding a number for $all', { tags: { $all: ['a', 2] } }, 'tags.$all[1]'],
    ['$regex on a number attribute', { size: { $regex: '1' } }, 'size.$regex'],
    ['$regex longer than 256 characters', { folder: { $regex: stringOf(257) } }, 'folder.$regex'],
    ['an invalid $regex', { folder: { $regex: '(' } }, 'folder.$regex'],
    ['a $regex with nested quantifiers (exponential time)', { folder: { $regex: '^(a+)+$' } }, 'folder.$regex'],
    ['a $regex that is not a string', { folder: { $regex: 1 } }, 'folder.$regex'],
    ['$elemMatch not an object', { tags: { $elemMatch: 'a' } }, 'tags.$elemMatch'],
    ['$elemMatch with an invalid $regex', { tags: { $elemMatch: { $regex: '(' } } }, 'tags.$elemMatch.$regex'],
    ['a string operand over 1024 characters', { folder: stringOf(1025) }, 'folder'],
  ])('refuses %s', (_, conditions, path) => {
    expect(errorOf(withConditions(conditions)).message.startsWith(`rules[0].conditions.${path}: `)).toBe(true);
  });
});

describe('validatePolicy: refused actions', () => {
  test.each([[['provisioning:thing.read']], [['provisioning:*']], [['files:read', 'provisioning:thing.read']], [['*', 'provisioning:*']]])(
    'refuses %j with the reason',
    (actions) => {
      const message = errorOf({ rules: [{ effect: 'allow', actions }] }, REFUSE).message;
      expect(message).toMatch(/^rules\[0\]\.actions\[\d\]: /);
      expect(message).toContain('env keys cannot');
    },
  );

  test('refuses a deny naming a refused action too', () => {
    expect(errorOf({ rules: [{ effect: 'deny', actions: ['provisioning:*'] }] }, REFUSE).message).toContain('env keys cannot');
  });

  test.each([[['*']], [['files:*', 'admin_x:ping']]])('accepts %j', (actions) => {
    expect(validatePolicy({ rules: [{ effect: 'allow', actions }] }, catalog, REFUSE)).toEqual([{ effect: 'allow', actions }]);
  });

  test('without the option, provisioning actions are accepted', () => {
    const rules = [{ effect: 'allow', actions: ['provisioning:*'] }];
    expect(validatePolicy({ rules }, catalog)).toEqual(rules);
  });
});

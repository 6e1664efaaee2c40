import { SchemaPipe } from '@castellan/core';
import { AUTHORIZE_BODY, BATCH_AUTHORIZE_BODY, DECISION_REASONS, MAX_BATCH, REFUSED_KEY_REASONS, SIMULATE_BODY } from './decision.dto.js';

// The decision API's bodies (zod schemas): what a check may hold, what it becomes, and how a refusal names the
// field, down to the check of a batch it is in.

type Outcome = { value: unknown } | { message: string };

function through(schema: ConstructorParameters<typeof SchemaPipe>[0], body: unknown): Outcome {
  try {
    const value = new SchemaPipe(schema).transform(body) as Record<string, unknown>;
    return { value: JSON.parse(JSON.stringify(value)) as unknown };
  } catch (error) {
    return { message: (error as Error).message };
  }
}

const check = {
  action: 'upload:destroy',
  cloud_name: 'product1',
  resource: { resource_type: 'image', folder: 'public/cats', tags: ['cat'] },
};

describe('AUTHORIZE_BODY', () => {
  test('a check: its action, the environment and the resource, as given', () => {
    expect(through(AUTHORIZE_BODY, check)).toEqual({ value: check });
  });

  test('text is trimmed, and "", null and blanks mean "not given"; fields it does not know are dropped', () => {
    expect(
      through(AUTHORIZE_BODY, { action: ' upload:upload ', cloud_name: '  ', resource: null, api_secret: 'x', allowed: true }),
    ).toEqual({
      value: { action: 'upload:upload' },
    });
  });

  test('a resource may come as JSON text, as a form body carries it', () => {
    expect(through(AUTHORIZE_BODY, { action: 'a', resource: '{"folder":"x","tags":["a"]}' })).toEqual({
      value: { action: 'a', resource: { folder: 'x', tags: ['a'] } },
    });
  });

  test.each([
    ['no action', {}, 'action is required'],
    ['a blank action', { action: '   ' }, 'action is required'],
    ['an action that is a list', { action: ['upload:upload'] }, 'action must be a string'],
    ['an action of 201 characters', { action: 'a'.repeat(201) }, 'action must be at most 200 characters'],
    ['a control character', { action: 'upload:upload\u0000' }, 'action must not contain control characters'],
    ['a cloud_name of 65 characters', { action: 'a', cloud_name: 'c'.repeat(65) }, 'cloud_name must be at most 64 characters'],
    ['a cloud_name that is a number', { action: 'a', cloud_name: 7 }, 'cloud_name must be a string'],
    ['a resource that is a list', { action: 'a', resource: [1] }, 'resource must be a JSON object'],
    ['a resource that is not JSON', { action: 'a', resource: '{folder:x}' }, 'resource must be a JSON object'],
    [
      'a resource over 16 KiB of JSON',
      { action: 'a', resource: { x: 'y'.repeat(16_384) } },
      'resource must be at most 16384 bytes of JSON',
    ],
  ])('%s is refused', (_, body, message) => {
    expect(through(AUTHORIZE_BODY, body)).toEqual({ message });
  });

  test.each([[null], [[check]], ['upload:destroy'], [42]])('a body that is not an object (%j) says so', (body) => {
    expect(through(AUTHORIZE_BODY, body)).toEqual({ message: 'body must be a JSON object' });
  });

  test('a resource nested deeper than JSON may go is refused before it is parsed', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(through(AUTHORIZE_BODY, { action: 'a', resource: `{"x":${deep}}` })).toEqual({
      message: 'JSON may nest at most 64 levels deep',
    });
  });
});

describe('BATCH_AUTHORIZE_BODY', () => {
  test(`holds up to ${MAX_BATCH} checks, in order`, () => {
    const checks = Array.from({ length: MAX_BATCH }, (_, i) => ({ action: `a${i}` }));
    expect(through(BATCH_AUTHORIZE_BODY, { checks })).toEqual({ value: { checks } });
    expect(through(BATCH_AUTHORIZE_BODY, { checks: [] })).toEqual({ value: { checks: [] } });
  });

  test.each([
    ['101 checks', { checks: Array.from({ length: 101 }, () => ({ action: 'a' })) }, 'checks may hold at most 100 checks'],
    ['no checks', {}, 'checks must be an array'],
    ['checks that are an object', { checks: { action: 'a' } }, 'checks must be an array'],
    ['a check that is not an object', { checks: [{ action: 'a' }, 'b'] }, 'checks.1 must be a JSON object'],
    ['a check without an action', { checks: [{ action: 'a' }, { action: 'b' }, {}] }, 'checks.2.action is required'],
    ['a resource of a check that is a list', { checks: [{ action: 'a', resource: [] }] }, 'checks.0.resource must be a JSON object'],
  ])('%s is refused', (_, body, message) => {
    expect(through(BATCH_AUTHORIZE_BODY, body)).toEqual({ message });
  });
});

describe('SIMULATE_BODY', () => {
  test('a check for a key named by its api_key, from an address, or the caller’s own when absent', () => {
    expect(through(SIMULATE_BODY, { ...check, api_key: '814814814814814', ip: ' 2001:db8::1 ' })).toEqual({
      value: { ...check, api_key: '814814814814814', ip: '2001:db8::1' },
    });
    expect(through(SIMULATE_BODY, { action: 'a', api_key: '814814814814814', ip: '' })).toEqual({
      value: { action: 'a', api_key: '814814814814814' },
    });
  });

  test.each([
    ['no api_key', { action: 'a' }, 'api_key is required'],
    ['an api_key of 33 characters', { action: 'a', api_key: '1'.repeat(33) }, 'api_key must be at most 32 characters'],
    ['a host name for ip', { action: 'a', api_key: '1', ip: 'localhost' }, 'ip must be an IPv4 or IPv6 address'],
    ['a range for ip', { action: 'a', api_key: '1', ip: '10.0.0.0/8' }, 'ip must be an IPv4 or IPv6 address'],
    ['an address of 46 characters', { action: 'a', api_key: '1', ip: '1'.repeat(46) }, 'ip must be at most 45 characters'],
  ])('%s is refused', (_, body, message) => {
    expect(through(SIMULATE_BODY, body)).toEqual({ message });
  });
});

describe('decision reasons', () => {
  test('the reasons only simulations give are reasons of the API too, and none of the reasons a rule gives', () => {
    for (const reason of REFUSED_KEY_REASONS) expect(DECISION_REASONS).toContain(reason);
    expect(REFUSED_KEY_REASONS).not.toContain('ALLOWED');
    expect(REFUSED_KEY_REASONS).not.toContain('DENIED_BY_RULE');
    expect(new Set(DECISION_REASONS).size).toBe(DECISION_REASONS.length);
  });
});

import 'reflect-metadata';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { JsonObjectField, StringField } from './fields.js';
import { jsonObjectField, objectOf, SchemaPipe, textField } from './schema-fields.js';
import { createValidationPipe } from './validation.js';

// The same fields declared both ways: a zod schema must accept, normalise and refuse exactly as the DTO does.
class SampleDto {
  @StringField({ required: true, maxLength: 10 })
  name!: string;

  @StringField({ maxLength: 5 })
  note?: string;

  @JsonObjectField({ maxBytes: 30 })
  attributes?: Record<string, unknown>;
}

const SAMPLE = objectOf({
  name: textField({ required: true, maxLength: 10 }),
  note: textField({ maxLength: 5 }),
  attributes: jsonObjectField({ maxBytes: 30 }),
});

type Outcome = { value: unknown } | { message: string };

async function throughDto(body: unknown): Promise<Outcome> {
  try {
    const value = await createValidationPipe().transform(body, { type: 'body', metatype: SampleDto });
    return { value: { ...(value as object) } };
  } catch (error) {
    return { message: (error as AppError).message };
  }
}

function throughSchema(body: unknown, schema: z.ZodType = SAMPLE): Outcome {
  try {
    const value = new SchemaPipe(schema).transform(body) as Record<string, unknown>;
    // The DTO leaves out what was not given; zod keeps the key with undefined.
    return { value: Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) };
  } catch (error) {
    return { message: (error as AppError).message };
  }
}

describe('schema fields mirror the DTO fields', () => {
  test.each([
    ['a valid body', { name: ' Ada ', note: 'hi', attributes: { a: 1 } }],
    ['JSON text for an object (form bodies)', { name: 'Ada', attributes: '{"a":1}' }],
    ['"" and null as "not given"', { name: 'Ada', note: '', attributes: null }],
    ['a blank note', { name: 'Ada', note: '   ' }],
    ['unknown fields', { name: 'Ada', admin: true }],
    ['no name', { note: 'hi' }],
    ['a blank name', { name: '  ' }],
    ['a name that is not a string', { name: 7 }],
    ['a name too long', { name: 'x'.repeat(11) }],
    ['control characters', { name: 'a\u0000b' }],
    ['an object that is an array', { name: 'Ada', attributes: [1] }],
    ['an object that is text', { name: 'Ada', attributes: 'not json' }],
    ['an object too large', { name: 'Ada', attributes: { text: 'x'.repeat(40) } }],
  ])('%s', async (_, body) => {
    expect(throughSchema(body)).toEqual(await throughDto(body));
  });

  test('a refused field inside a list is named by its path', () => {
    const batch = objectOf({ checks: z.array(SAMPLE) });
    expect(throughSchema({ checks: [{ name: 'a' }, {}] }, batch)).toEqual({ message: 'checks.1.name is required' });
  });

  test('a body that is not an object says so', () => {
    for (const body of [[1], 'text', 7, null]) expect(throughSchema(body)).toEqual({ message: 'body must be a JSON object' });
  });
});

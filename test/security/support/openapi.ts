import type { RegisteredRoute } from '../../support/routes.js';
import type { SecurityServer } from './server.js';

// The OpenAPI document (/docs-json) states every field's rule; the corpus is every value those rules refuse.

export interface Schema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  $ref?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  example?: unknown;
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export async function openApiDocument(server: SecurityServer): Promise<OpenApiDocument> {
  const res = await server.http().get('/docs-json');
  if (res.status !== 200) throw new Error(`/docs-json answered ${res.status}`);
  return res.body as OpenApiDocument;
}

/** What a route takes, as the document describes it: undefined where the document does not know the route. */
export interface RouteInput {
  body?: Schema;
  query: Array<{ name: string; schema: Schema }>;
}

export function inputOf(doc: OpenApiDocument, route: RegisteredRoute): RouteInput | undefined {
  const operation = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
  if (!operation) return undefined;
  const body = operation.requestBody?.content['application/json']?.schema;
  return {
    body: body && resolve(doc, body),
    query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
  };
}

/**
 * A schema with its reference followed. A reference to nothing (the document names no schema) reads as an
 * object of unknown fields: the corpus still sends it everything an object is not.
 */
export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const target = doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
  return target ? resolve(doc, target) : { type: 'object' };
}

const isObjectSchema = (s: Schema): boolean => s.type === 'object' || s.properties !== undefined;

/** A value the schema accepts, from its example, its enum or its type, for the fields a bad value sits beside. */
export function exampleOf(doc: OpenApiDocument, raw: Schema): unknown {
  const schema = resolve(doc, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return 'example';
    case 'number':
    case 'integer':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return schema.items ? [exampleOf(doc, schema.items)] : [];
    default:
      return requiredExample(doc, schema);
  }
}

/** An object holding only its required fields, each with an accepted value. */
export function requiredExample(doc: OpenApiDocument, schema: Schema): Record<string, unknown> {
  return Object.fromEntries((schema.required ?? []).map((name) => [name, exampleOf(doc, schema.properties![name]!)]));
}

export const SQL_INJECTION = ["' OR '1'='1", '"; DROP TABLE api_keys; --'];
/** A NoSQL operator as text: harmless data in free text, a violation wherever a value is constrained. */
export const NOSQL_TEXT = '{"$gt": ""}';
const NOSQL_OBJECTS = [{ $gt: '' }, { $where: '1' }];
export const CONTROL_CHARACTERS = ['a\u0000b', '\u001b[31mred\u001b[0m'];
export const LONG_STRING = 'x'.repeat(10_000);

/** A value the field's schema refuses, and why. `hardening`: refused by the input hardening (control characters, bad UTF-8). */
export interface BadValue {
  value: unknown;
  why: string;
  hardening?: boolean;
}

const isFreeText = (s: Schema): boolean => s.type === 'string' && !s.enum && !s.pattern && !s.format;

/** A rule with conditions that are fine: the attacks below replace its conditions. */
export const CONDITIONED_RULE = { effect: 'deny', actions: ['upload:destroy'], conditions: { folder: { $regex: '^public/' } } };

/** Conditions are a query language: operators it does not define, and unsafe regular expressions, must be refused. */
const CONDITION_ATTACKS: BadValue[] = [
  { value: { $where: '1' }, why: 'a $where operator as a condition' },
  { value: { folder: { $where: 'sleep(1000)' } }, why: 'a $where operator on an attribute' },
  { value: { folder: { $function: { body: 'return true', args: [], lang: 'js' } } }, why: 'a $function operator' },
  { value: { folder: { $regex: '(a+)+$' } }, why: 'a catastrophic regular expression' },
  { value: { folder: { $gt: { $gt: '' } } }, why: 'a nested operator' },
];

/** Every value the schema refuses, with the fields beside it valid. */
export function badValues(doc: OpenApiDocument, raw: Schema): BadValue[] {
  const schema = resolve(doc, raw);
  if (schema.type === 'string') return badStrings(schema);
  if (schema.type === 'number' || schema.type === 'integer')
    return [...wrongTypes(schema), ...outOfRange(schema).map((value) => ({ value, why: `${value} is out of range` }))];
  if (schema.type === 'boolean')
    return [...wrongTypes(schema), { value: 'maybe', why: 'a word for a boolean' }, { value: 2, why: '2 for a boolean' }];
  if (schema.type === 'array') return badArrays(doc, schema);
  if (isObjectSchema(schema)) return badObjects(doc, schema);
  return [];
}

function wrongTypes(schema: Schema): BadValue[] {
  const values: BadValue[] = [
    { value: { $gt: '' }, why: `an object (a NoSQL operator) for a ${schema.type}` },
    { value: ['1'], why: `an array for a ${schema.type}` },
  ];
  if (schema.type !== 'string') values.push({ value: 'abc', why: `a word for a ${schema.type}` });
  if (schema.type !== 'number' && schema.type !== 'integer') values.push({ value: 42, why: `a number for a ${schema.type}` });
  if (schema.type !== 'boolean') values.push({ value: true, why: `a boolean for a ${schema.type}` });
  return values;
}

function badStrings(schema: Schema): BadValue[] {
  const values = [...wrongTypes(schema), { value: NOSQL_OBJECTS[1], why: 'a $where object for a string' }];
  if (schema.maxLength !== undefined) {
    values.push({ value: 'x'.repeat(schema.maxLength + 1), why: `${schema.maxLength + 1} characters (max ${schema.maxLength})` });
    if (schema.maxLength < LONG_STRING.length) values.push({ value: LONG_STRING, why: '10,000 characters' });
  }
  const constrained = schema.enum
    ? (v: string) => schema.enum!.includes(v)
    : schema.pattern
      ? (v: string) => new RegExp(schema.pattern!).test(v)
      : undefined;
  if (constrained) {
    for (const value of [...SQL_INJECTION, NOSQL_TEXT])
      if (!constrained(value)) values.push({ value, why: `injection text ${JSON.stringify(value)}` });
  }
  if (schema.enum && typeof schema.enum[0] === 'string' && schema.enum[0] !== schema.enum[0].toUpperCase()) {
    values.push({ value: schema.enum[0].toUpperCase(), why: 'an enum value in the wrong case' });
  }
  if (schema.format === 'date-time') {
    values.push({ value: 'tomorrow', why: 'a word for a date-time' }, { value: '2026-13-45T25:61:00Z', why: 'an impossible date-time' });
  }
  if (isFreeText(schema))
    values.push(...CONTROL_CHARACTERS.map((value) => ({ value, why: `control characters ${JSON.stringify(value)}`, hardening: true })));
  return values;
}

/** Below the minimum, above the maximum, and the extremes JSON numbers can reach (only where a maximum exists). */
function outOfRange(schema: Schema): number[] {
  const values = new Set<number>();
  if (schema.minimum !== undefined) [schema.minimum - 1, -1].forEach((v) => v < schema.minimum! && values.add(v));
  if (schema.maximum !== undefined) [schema.maximum + 1, 100_001, 2 ** 53, 1e308].forEach((v) => v > schema.maximum! && values.add(v));
  return [...values];
}

function badArrays(doc: OpenApiDocument, schema: Schema): BadValue[] {
  const items = schema.items ? resolve(doc, schema.items) : {};
  const values: BadValue[] = [
    { value: 42, why: 'a number for an array' },
    { value: { $where: '1' }, why: 'an object for an array' },
    { value: [42], why: 'an array holding a number' },
    { value: [{}], why: 'an array holding an empty object' },
  ];
  if (isObjectSchema(items)) {
    const item = requiredExample(doc, items);
    values.push({ value: 'not json', why: 'text for an array' }, { value: ['x'], why: 'an array holding text' });
    if (schema.maxItems !== undefined)
      values.push({ value: Array(schema.maxItems + 1).fill(item), why: `${schema.maxItems + 1} items (max ${schema.maxItems})` });
    for (const [name, property] of Object.entries(items.properties ?? {})) {
      for (const bad of badValues(doc, property))
        values.push({ ...bad, value: [{ ...item, [name]: bad.value }], why: `item ${name}: ${bad.why}` });
    }
    if (items.properties?.['conditions']) {
      for (const attack of CONDITION_ATTACKS) values.push({ value: [{ ...CONDITIONED_RULE, conditions: attack.value }], why: attack.why });
    }
  } else {
    values.push({ value: [LONG_STRING], why: 'an item of 10,000 characters' });
    if (schema.maxItems !== undefined)
      values.push({
        value: Array.from({ length: schema.maxItems + 1 }, (_, i) => `item-${i}`),
        why: `${schema.maxItems + 1} items (max ${schema.maxItems})`,
      });
    values.push(
      ...CONTROL_CHARACTERS.map((value) => ({
        value: [value],
        why: `an item with control characters ${JSON.stringify(value)}`,
        hardening: true,
      })),
    );
  }
  return values;
}

/** Objects: everything an object is not, and each documented field's own bad values. Free-form objects hold any keys. */
function badObjects(doc: OpenApiDocument, schema: Schema): BadValue[] {
  const values: BadValue[] = [
    { value: 'not json', why: 'text for an object' },
    { value: 42, why: 'a number for an object' },
    { value: [1], why: 'an array for an object' },
  ];
  const base = requiredExample(doc, schema);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    for (const bad of badValues(doc, property)) values.push({ ...bad, value: { ...base, [name]: bad.value }, why: `${name}: ${bad.why}` });
  }
  return values;
}

/** A query string value: one value, or the same key repeated. */
export type QueryValue = string | string[];

export interface BadQueryValue {
  value: QueryValue;
  why: string;
  hardening?: boolean;
}

/** Query strings carry text only: wrong types are words where numbers or booleans belong, and repeated keys for scalars. */
export function badQueryValues(schema: Schema): BadQueryValue[] {
  const values: BadQueryValue[] = [];
  if (schema.type === 'number' || schema.type === 'integer') {
    values.push(
      { value: 'abc', why: 'a word for a number' },
      { value: '1.5', why: 'a fraction for an integer' },
      { value: '1e308', why: 'an exponent' },
    );
    values.push(...outOfRange(schema).map((v) => ({ value: BigInt(v).toString(), why: `${v} is out of range` })));
    values.push({ value: ['1', '2'], why: 'a repeated key for a number' });
  } else if (schema.type === 'boolean') {
    values.push(
      { value: 'maybe', why: 'a word for a boolean' },
      { value: '2', why: '2 for a boolean' },
      { value: ['true', 'false'], why: 'a repeated key for a boolean' },
    );
  } else if (schema.type === 'string') {
    values.push({ value: ['a', 'b'], why: 'a repeated key for a string' });
    if (schema.maxLength !== undefined) {
      values.push({ value: 'x'.repeat(schema.maxLength + 1), why: `${schema.maxLength + 1} characters (max ${schema.maxLength})` });
      if (schema.maxLength < LONG_STRING.length) values.push({ value: LONG_STRING, why: '10,000 characters' });
    }
    const constrained = schema.enum
      ? (v: string) => schema.enum!.includes(v)
      : schema.pattern
        ? (v: string) => new RegExp(schema.pattern!).test(v)
        : undefined;
    if (constrained)
      for (const v of [...SQL_INJECTION, NOSQL_TEXT])
        if (!constrained(v)) values.push({ value: v, why: `injection text ${JSON.stringify(v)}` });
    if (isFreeText(schema))
      values.push(...CONTROL_CHARACTERS.map((value) => ({ value, why: `control characters ${JSON.stringify(value)}`, hardening: true })));
  } else if (schema.type === 'array') {
    if (schema.maxItems !== undefined)
      values.push({
        value: Array.from({ length: schema.maxItems + 1 }, (_, i) => `v${i}`),
        why: `${schema.maxItems + 1} values (max ${schema.maxItems})`,
      });
    values.push({ value: LONG_STRING, why: 'a value of 10,000 characters' });
    values.push(...CONTROL_CHARACTERS.map((value) => ({ value, why: `control characters ${JSON.stringify(value)}`, hardening: true })));
  }
  return values;
}

export function queryString(name: string, value: QueryValue): string {
  return new URLSearchParams((Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v])).toString();
}

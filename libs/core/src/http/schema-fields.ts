import { Body, PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError, fieldPath } from '../errors/app-error.js';
import {
  absent,
  FIELD_MESSAGES,
  givenText,
  jsonBytesWithin,
  MAX_JSON_OBJECT_BYTES,
  NO_CONTROL_CHARACTERS,
  parseJsonText,
} from './fields.js';

// The decision API's bodies are validated with zod schemas rather than class-validator DTOs: every call of every
// integrator passes through it, and a class-validator DTO cost about 50 µs of a warm authorize's CPU (measured
// with the benchmark's profile), a zod schema about 1 µs. The fields below follow the rules of their DTO
// counterparts in fields.ts, with the same normalisation and the same messages.

/** What the OpenAPI document says of a field. */
interface FieldDoc {
  description?: string;
  example?: unknown;
}

/** A text field: trimmed, blank is "not given", no control characters, at most `maxLength` characters. */
export function textField(opts: FieldDoc & { required: true; maxLength: number }): z.ZodType<string>;
export function textField(opts: FieldDoc & { required?: false; maxLength: number }): z.ZodType<string | undefined>;
export function textField({
  required = false,
  maxLength,
  ...doc
}: FieldDoc & { required?: boolean; maxLength: number }): z.ZodType<string | undefined> {
  const text = z
    .string({ error: (issue) => (issue.input === undefined ? FIELD_MESSAGES.required : FIELD_MESSAGES.string) })
    .refine((value) => NO_CONTROL_CHARACTERS.test(value), FIELD_MESSAGES.controlCharacters)
    .max(maxLength, FIELD_MESSAGES.maxLength(maxLength));
  return z.preprocess(givenText, required ? text : text.optional()).meta(doc);
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A free-form JSON object, given as one (JSON bodies) or as JSON text (form bodies). Checked as a whole rather than
 * as a record of unknown values, which would visit every attribute for nothing: the document states the type.
 */
export function jsonObjectField(doc: FieldDoc & { maxBytes?: number } = {}): z.ZodType<Record<string, unknown> | undefined> {
  const { maxBytes = MAX_JSON_OBJECT_BYTES, ...meta } = doc;
  const object = z
    .custom<Record<string, unknown>>(isJsonObject, { error: FIELD_MESSAGES.jsonObject })
    .refine((value) => jsonBytesWithin(value, maxBytes), FIELD_MESSAGES.maxJsonBytes(maxBytes));
  return z
    .preprocess((value) => (absent(value) ? undefined : parseJsonText(value)), object.optional())
    .meta({ type: 'object', additionalProperties: true, ...meta });
}

/** An object of these fields; fields it does not name are dropped, as the DTOs' whitelist drops them. */
export const objectOf = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape, { error: FIELD_MESSAGES.jsonObject });

/** What a refused body is told: the first problem, naming the field by its path (`checks.3.action`), and that path. */
function refusal(error: z.ZodError): AppError {
  const issue = error.issues[0]!;
  const message = issue.message.replace('$property', issue.path.length > 0 ? issue.path.join('.') : 'body');
  return AppError.invalid(message, fieldPath(issue.path.map((key) => (typeof key === 'number' ? key : String(key)))) || undefined);
}

export class SchemaPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: z.ZodType<T>) {}

  transform(value: unknown): T {
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) throw refusal(parsed.error);
    return parsed.data;
  }
}

/**
 * The request body, validated by `schema` (400 with its first problem otherwise). Type the parameter with the
 * schema's output type (not a class), so that the global ValidationPipe leaves it alone.
 */
export const SchemaBody = <T>(schema: z.ZodType<T>): ParameterDecorator => Body(new SchemaPipe(schema));

/** Describes a SchemaBody in the OpenAPI document, from the same schema. */
export const ApiSchemaBody = (schema: z.ZodType): MethodDecorator =>
  ApiBody({ schema: z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as object });

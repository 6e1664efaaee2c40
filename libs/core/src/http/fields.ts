import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { AppError } from '../errors/app-error.js';
import { MAX_ALLOWED_IP_RANGES, normaliseRanges } from '../net/ip-ranges.js';

// Request fields arrive as JSON, as form-urlencoded strings or as query strings, and the Cloudinary SDKs
// send "" or null for "not given". These decorators normalise all three before validation, so a DTO states
// each field's rule once.

export const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

/** A text field's value as given: trimmed, and a blank string is "not given", like "" itself. */
export const givenText = (value: unknown): unknown =>
  typeof value === 'string' ? value.trim() || undefined : absent(value) ? undefined : value;

/** What a refused field is told, `$property` standing for its name; the same words whichever validator refuses it. */
export const FIELD_MESSAGES = {
  required: '$property is required',
  string: '$property must be a string',
  controlCharacters: '$property must not contain control characters',
  maxLength: (max: number) => `$property must be at most ${max} characters`,
  jsonObject: '$property must be a JSON object',
  maxJsonBytes: (max: number) => `$property must be at most ${max} bytes of JSON`,
};

const Optional = (required: boolean) => (required ? [IsDefined({ message: FIELD_MESSAGES.required })] : [IsOptional()]);

function doc(options: ApiPropertyOptions, required: boolean): PropertyDecorator {
  return ApiProperty({ ...options, required } as ApiPropertyOptions);
}

// C0 controls but tab, LF and CR (descriptions and PEM certificates span lines), and DEL: no name or text
// needs them, and they hide or rewrite text in terminals, logs and UIs.
export const NO_CONTROL_CHARACTERS = /^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$/;
/** For a string field (or, with `each`, a list of strings) not declared with StringField or ListField. */
export const NoControlCharacters = (each: boolean) => Matches(NO_CONTROL_CHARACTERS, { each, message: FIELD_MESSAGES.controlCharacters });

interface FieldOptions {
  required?: boolean;
  description?: string;
  example?: unknown;
}

export function StringField(opts: FieldOptions & { maxLength?: number; pattern?: RegExp; patternMessage?: string } = {}) {
  const required = opts.required ?? false;
  const max = opts.maxLength ?? 255;
  return applyDecorators(
    doc({ type: String, description: opts.description, example: opts.example, maxLength: max, pattern: opts.pattern?.source }, required),
    Transform(({ value }) => givenText(value)),
    ...Optional(required),
    IsString({ message: FIELD_MESSAGES.string }),
    NoControlCharacters(false),
    MaxLength(max, { message: FIELD_MESSAGES.maxLength(max) }),
    ...(opts.pattern ? [Matches(opts.pattern, { message: opts.patternMessage ?? '$property has an invalid format' })] : []),
  );
}

export function EnumField<T extends string>(values: readonly T[], opts: FieldOptions = {}) {
  const required = opts.required ?? false;
  return applyDecorators(
    doc({ enum: values as unknown as string[], description: opts.description, example: opts.example }, required),
    Transform(({ value }) => (absent(value) ? undefined : value)),
    ...Optional(required),
    IsIn(values as unknown as unknown[], { message: `$property must be one of: ${values.join(', ')}` }),
  );
}

const TRUE = new Set([true, 'true', '1', 1]);
const FALSE = new Set([false, 'false', '0', 0]);

export function BooleanField(opts: FieldOptions = {}) {
  const required = opts.required ?? false;
  return applyDecorators(
    doc({ type: Boolean, description: opts.description, example: opts.example }, required),
    Transform(({ value }) => (absent(value) ? undefined : TRUE.has(value) ? true : FALSE.has(value) ? false : value)),
    ...Optional(required),
    IsBoolean({ message: '$property must be true or false' }),
  );
}

export function IntField(opts: FieldOptions & { min?: number; max?: number; default?: number } = {}) {
  const required = opts.required ?? false;
  return applyDecorators(
    doc({ type: Number, description: opts.description, minimum: opts.min, maximum: opts.max, default: opts.default }, required),
    Transform(({ value }) => {
      if (absent(value)) return undefined;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
      return value;
    }),
    ...Optional(required),
    IsInt({ message: '$property must be an integer' }),
    ...(opts.min !== undefined ? [Min(opts.min, { message: `$property must be at least ${opts.min}` })] : []),
    ...(opts.max !== undefined ? [Max(opts.max, { message: `$property must be at most ${opts.max}` })] : []),
  );
}

export function NumberField(opts: FieldOptions & { min?: number } = {}) {
  const required = opts.required ?? false;
  return applyDecorators(
    doc({ type: Number, description: opts.description, minimum: opts.min }, required),
    Transform(({ value }) => {
      if (absent(value)) return undefined;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return value;
    }),
    ...Optional(required),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a number' }),
    Min(opts.min ?? 0, { message: `$property must be at least ${opts.min ?? 0}` }),
  );
}

/**
 * A list given as repeated keys (ids=a&ids=b), with brackets (ids[]=a, folded to ids before validation),
 * comma-joined (ids=a,b) or as a JSON array.
 */
export function ListField(opts: FieldOptions & { maxItems?: number; itemMaxLength?: number } = {}) {
  const maxItems = opts.maxItems ?? 100;
  const itemMax = opts.itemMaxLength ?? 255;
  return applyDecorators(
    doc({ type: [String], description: opts.description, maxItems, style: 'form', explode: true } as ApiPropertyOptions, false),
    Transform(({ value }) => {
      if (absent(value)) return undefined;
      const items = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
      const cleaned = items.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
      return cleaned.length ? cleaned : undefined;
    }),
    IsOptional(),
    ArrayMaxSize(maxItems, { message: `$property may hold at most ${maxItems} values` }),
    IsString({ each: true, message: '$property must hold strings' }),
    NoControlCharacters(true),
    MaxLength(itemMax, { each: true, message: `each of $property must be at most ${itemMax} characters` }),
  );
}

/** Deeper is never legitimate, and transforming and validating walk values recursively: 10,000 levels overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/** Refuses JSON text nested deeper than MAX_JSON_DEPTH, before anything parses it. */
export function assertJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_JSON_DEPTH) throw AppError.invalid(`JSON may nest at most ${MAX_JSON_DEPTH} levels deep`);
    } else if (c === ']' || c === '}') depth--;
  }
}

/** Form bodies can only carry objects as JSON text; JSON bodies carry them as they are. */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  assertJsonDepth(value);
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const jsonBytesWithin = (value: unknown, max: number): boolean => JSON.stringify(value).length <= max;

/** The most a free-form JSON object may hold. */
export const MAX_JSON_OBJECT_BYTES = 16384;

function MaxJsonBytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxJsonBytes',
    validator: { validate: (value: unknown) => jsonBytesWithin(value, max), defaultMessage: () => FIELD_MESSAGES.maxJsonBytes(max) },
  });
}

/** A free-form JSON object (custom attributes). */
export function JsonObjectField(opts: FieldOptions & { maxBytes?: number } = {}) {
  const maxBytes = opts.maxBytes ?? MAX_JSON_OBJECT_BYTES;
  return applyDecorators(
    doc({ type: 'object', additionalProperties: true, description: opts.description, example: opts.example } as ApiPropertyOptions, false),
    Transform(({ value }) => (absent(value) ? undefined : parseJsonText(value))),
    IsOptional(),
    IsObject({ message: FIELD_MESSAGES.jsonObject }),
    MaxJsonBytes(maxBytes),
  );
}

/** A nested object validated by its own DTO class. */
export function NestedField<T extends object>(type: () => new () => T, opts: FieldOptions = {}) {
  return applyDecorators(
    // Swagger takes a lazy type only from a function named `type`, which this property definition names.
    doc({ type: () => type(), description: opts.description }, false),
    Transform(({ value }) => {
      if (absent(value)) return undefined;
      const parsed = parseJsonText(value);
      return isPlainObject(parsed) ? plainToInstance(type(), parsed) : parsed;
    }),
    IsOptional(),
    IsObject({ message: FIELD_MESSAGES.jsonObject }),
    ValidateNested(),
  );
}

/** The word that clears an expiry, an allowlist or a limit (null and "" mean "not given" on this wire format). */
export const NEVER = 'never';
export const ANY_IP = 'any';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a date-time's day exists: JavaScript's Date reads any day up to 31 and rolls it over (30 February is 2 March). */
function onTheCalendar(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * An instant as an ISO-8601 date-time with its offset (`2027-01-01T00:00:00Z`), or `never` to remove it.
 * Arrives as a Date or the string `never`.
 */
export function ExpiryField(opts: FieldOptions = {}) {
  return applyDecorators(
    doc({ type: String, format: 'date-time', description: opts.description, example: opts.example ?? '2027-01-01T00:00:00Z' }, false),
    Transform(({ value }) => {
      if (absent(value)) return undefined;
      if (value === NEVER) return NEVER;
      if (typeof value !== 'string' || !ISO_DATE_TIME.test(value.trim()) || !onTheCalendar(value.trim())) return value;
      const date = new Date(value.trim());
      return Number.isNaN(date.getTime()) ? value : date;
    }),
    IsOptional(),
    ValidateBy({
      name: 'expiry',
      validator: {
        validate: (value: unknown) => value === NEVER || (value instanceof Date && !Number.isNaN(value.getTime())),
        defaultMessage: () => `$property must be an ISO-8601 date-time with an offset (e.g. 2027-01-01T00:00:00Z) or "${NEVER}"`,
      },
    }),
  );
}

/**
 * An IP allowlist: IPv4/IPv6 addresses and CIDR ranges, as a JSON array, repeated or comma-joined. `any`
 * (or an empty JSON array) removes the list. Arrives normalised (`10.0.0.0/8`, `2001:db8::/32`) or as `any`.
 */
export function IpRangesField(opts: FieldOptions = {}) {
  return applyDecorators(
    doc(
      {
        type: [String],
        description: opts.description,
        example: opts.example ?? ['203.0.113.0/24', '2001:db8::/32'],
        maxItems: MAX_ALLOWED_IP_RANGES,
      } as ApiPropertyOptions,
      false,
    ),
    Transform(({ value }) => {
      if (absent(value)) return undefined;
      if (value === ANY_IP || (Array.isArray(value) && value.length === 0)) return ANY_IP;
      const items = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
      try {
        // A non-string item (a number, an object) is refused by name, like a malformed range.
        return normaliseRanges(items.filter((v) => typeof v !== 'string' || v.trim() !== ''));
      } catch (error) {
        return new InvalidRanges((error as Error).message);
      }
    }),
    IsOptional(),
    ValidateBy({
      name: 'ipRanges',
      validator: {
        validate: (value: unknown) => value === ANY_IP || (Array.isArray(value) && value.length > 0),
        defaultMessage: (args) =>
          args?.value instanceof InvalidRanges
            ? `$property: ${args.value.message}`
            : `$property must be a list of IPv4/IPv6 addresses or CIDR ranges, or "${ANY_IP}"`,
      },
    }),
  );
}

class InvalidRanges {
  constructor(readonly message: string) {}
}

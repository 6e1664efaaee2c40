import type { Paramtype } from '@nestjs/common';
import { createValidationPipe } from '@castellan/core';

// A DTO's query string or body through the validation pipe every route uses, as the DTO specs check it: what is
// accepted and what it becomes, or the message a refusal gives.

const pipe = createValidationPipe();

/** What the pipe makes of `input`: an instance of the DTO, as a controller receives it. */
export async function validated<T extends object>(metatype: new () => T, input: unknown, type: Paramtype = 'body'): Promise<T> {
  return (await pipe.transform(input, { type, metatype })) as T;
}

/** The fields the pipe gives for `input`, those it leaves undefined (not given) left out. */
export async function accepted<T extends object>(
  metatype: new () => T,
  input: unknown,
  type: Paramtype = 'body',
): Promise<Record<string, unknown>> {
  const value = (await validated(metatype, input, type)) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** The message the pipe refuses `input` with; it fails the test if the pipe accepts it. */
export async function refused<T extends object>(metatype: new () => T, input: unknown, type: Paramtype = 'body'): Promise<string> {
  try {
    await pipe.transform(input, { type, metatype });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

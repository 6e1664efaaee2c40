import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { AppError } from '../errors/app-error.js';
import { NestedField, StringField } from './fields.js';
import { createValidationPipe } from './validation.js';

class InnerDto {
  @StringField({ maxLength: 5 })
  sso_url?: string;
}

class OuterDto {
  @StringField({ required: true, maxLength: 10 })
  name!: string;

  @NestedField(() => InnerDto)
  saml?: InnerDto;
}

const metadata: ArgumentMetadata = { type: 'body', metatype: OuterDto };

async function refusal(body: unknown): Promise<{ message: string; path?: string }> {
  try {
    await createValidationPipe().transform(body, metadata);
  } catch (error) {
    if (error instanceof AppError) return { message: error.message, path: error.path };
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('the validation pipe', () => {
  test('names the field it refuses in the message, as always, and as the path', async () => {
    expect(await refusal({})).toEqual({ message: 'name is required', path: 'name' });
  });

  test("a nested field's message and path name it from the top of the body", async () => {
    expect(await refusal({ name: 'n', saml: { sso_url: 'https://idp.example/sso' } })).toEqual({
      message: expect.stringMatching(/^saml\.sso_url /),
      path: 'saml.sso_url',
    });
  });
});

import 'reflect-metadata';
import { AppError } from '@castellan/core';
import { accepted, refused } from '../../../../../test/support/dto-validation.js';
import { LANGUAGE_TAG, UpdateProfileDto } from './profile.dto.js';

// PUT /v1_1/me's body: which language tags pass, and how the e-mail preferences are read and refused.

describe('LANGUAGE_TAG', () => {
  test.each(['en', 'fr', 'fil', 'fr-CA', 'pt-BR', 'es-419', 'zh-Hant', 'zh-Hant-TW', 'sr-Latn-RS'])('takes %s', (tag) => {
    expect(LANGUAGE_TAG.test(tag)).toBe(true);
  });

  test.each([
    '',
    'e',
    'engl',
    'EN',
    'En',
    'en-us',
    'en_US',
    'en-USA',
    'en-1234',
    'zh-hant',
    'zh-HANT',
    'en-Latn-US-x-private',
    'x-klingon',
    'de-DE-1996',
    'en ',
    'en\n',
    'ｅｎ',
  ])('refuses %j', (tag) => {
    expect(LANGUAGE_TAG.test(tag)).toBe(false);
  });
});

/** The refusal's path, as the error answer gives it. */
async function refusedAt(input: unknown): Promise<string | undefined> {
  try {
    await accepted(UpdateProfileDto, input);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).path;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('UpdateProfileDto', () => {
  test('every field', async () => {
    const body = { name: ' Ada ', language: 'fr-CA', theme: 'dark', email_preferences: { product_updates: true } };
    const dto = await accepted(UpdateProfileDto, body);
    expect({ ...dto, email_preferences: { ...(dto['email_preferences'] as object) } }).toEqual({
      name: 'Ada',
      language: 'fr-CA',
      theme: 'dark',
      email_preferences: { product_updates: true },
    });
  });

  test('a form body carries the preferences as JSON text', async () => {
    const dto = await accepted(UpdateProfileDto, { email_preferences: '{"security_notifications":"false"}' }, 'body');
    expect({ ...(dto['email_preferences'] as object) }).toEqual({ security_notifications: false });
  });

  test.each<[unknown, string | RegExp, string]>([
    [{ language: 'english' }, 'language must be a BCP 47 language tag such as en, fr-CA or zh-Hant-TW', 'language'],
    [{ theme: 'blue' }, 'theme must be one of: light, dark, system', 'theme'],
    [
      { email_preferences: { newsletter: true } },
      'email_preferences.newsletter is not an e-mail preference; known: product_updates, security_notifications',
      'email_preferences.newsletter',
    ],
    [{ email_preferences: '{"newsletter":true}' }, /newsletter is not an e-mail preference/, 'email_preferences.newsletter'],
    [
      { email_preferences: { product_updates: 'yes' } },
      'email_preferences.product_updates must be true or false',
      'email_preferences.product_updates',
    ],
    [{ email_preferences: [] }, 'email_preferences must be a JSON object', 'email_preferences'],
    [{ name: 'x'.repeat(256) }, 'name must be at most 255 characters', 'name'],
  ])('refuses %j', async (input, message, path) => {
    expect(await refused(UpdateProfileDto, input)).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(await refusedAt(input)).toBe(path);
  });
});

import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { AppError, BooleanField, EnumField, fieldPath, NestedField, parseJsonText, StringField } from '@castellan/core';
import { TWO_FACTOR_POLICIES } from '@castellan/security';
import type { TwoFactorPolicy } from '@castellan/security';
import { THEMES } from '../user-preferences.entity.js';
import type { Theme } from '../user-preferences.entity.js';

/**
 * A BCP 47 tag as browsers and translation catalogues spell it: a language, then optionally a script and a region
 * (`en`, `fr-CA`, `zh-Hant-TW`, `es-419`). Any such tag is kept; the console shows English for one it has no
 * translation for. Variants, extensions and private use are refused: no console language needs them.
 */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/;

/** The optional mails a person can opt in or out of, by name. */
export const EMAIL_PREFERENCES = ['product_updates', 'security_notifications'] as const;
export type EmailPreference = (typeof EMAIL_PREFERENCES)[number];
export type EmailPreferences = Record<EmailPreference, boolean>;

/** What a person who never changed their profile gets. */
export const DEFAULT_LANGUAGE = 'en';
export const DEFAULT_THEME: Theme = 'system';
export const DEFAULT_EMAIL_PREFERENCES: EmailPreferences = { product_updates: false, security_notifications: true };

const SECURITY_MAILS_ALWAYS_SENT =
  'Security mails (invitations, password resets, verification codes) are sent whatever this says: they are how a person gets in.';

/**
 * Refuses an object with a key not in `keys`, naming it: the validation pipe drops unknown fields silently, which
 * here would answer 200 to a misspelt preference and leave it as it was.
 */
function OnlyKeys(keys: readonly string[]): PropertyDecorator {
  return Transform(({ value, key }) => {
    const object = parseJsonText(value);
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return value;
    const unknown = Object.keys(object).find((k) => !keys.includes(k));
    if (unknown !== undefined) {
      throw AppError.invalid(`${key}.${unknown} is not an e-mail preference; known: ${keys.join(', ')}`, fieldPath([key, unknown]));
    }
    return value;
  });
}

export class EmailPreferencesChangeDto {
  @BooleanField({ description: 'Mails about new features and releases' })
  product_updates?: boolean;

  @BooleanField({ description: `Mails about sign-ins and changes to my security settings. ${SECURITY_MAILS_ALWAYS_SENT}` })
  security_notifications?: boolean;
}

const EmailPreferencesField = () =>
  applyDecorators(
    NestedField(() => EmailPreferencesChangeDto, {
      description: `The preferences to change, by name; those left out stay as they are. ${SECURITY_MAILS_ALWAYS_SENT}`,
    }),
    OnlyKeys(EMAIL_PREFERENCES),
  );

/** PUT /v1_1/me: what to change of my profile; fields left out stay as they are. */
export class UpdateProfileDto {
  @StringField({ maxLength: 255, description: 'My name, as the account shows it to others', example: 'Ada Lovelace' })
  name?: string;

  @StringField({
    maxLength: 35,
    pattern: LANGUAGE_TAG,
    patternMessage: '$property must be a BCP 47 language tag such as en, fr-CA or zh-Hant-TW',
    description: "The console's language, as a BCP 47 tag; the console shows English for a language it has no translation for",
    example: 'fr-CA',
  })
  language?: string;

  @EnumField(THEMES, { description: "The console's colours; `system` follows the browser's setting" })
  theme?: Theme;

  @EmailPreferencesField()
  email_preferences?: EmailPreferencesChangeDto;
}

export class EmailPreferencesDto {
  @ApiProperty({ description: 'Mails about new features and releases' })
  product_updates!: boolean;

  @ApiProperty({ description: `Mails about sign-ins and changes to my security settings. ${SECURITY_MAILS_ALWAYS_SENT}` })
  security_notifications!: boolean;
}

export class ProfileDto {
  @ApiProperty({ example: 'abcde1fghij2klmno3pqrst4uvwxy5z0', description: 'My user id' })
  id!: string;

  @ApiProperty({ example: 'b7a2c0de-0000-4000-8000-000000000001' })
  account_id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ example: 'ada@example.com', description: 'Where my mails go; an admin changes it' })
  email!: string;

  @ApiProperty({ example: 'admin', description: 'My role; an admin changes it' })
  role!: string;

  @ApiProperty({ example: 'en', description: `The console's language (BCP 47); \`${DEFAULT_LANGUAGE}\` until I choose one` })
  language!: string;

  @ApiProperty({ enum: THEMES, description: `\`${DEFAULT_THEME}\` until I choose one` })
  theme!: Theme;

  @ApiProperty({ type: EmailPreferencesDto })
  email_preferences!: EmailPreferencesDto;

  @ApiProperty({ description: 'Whether I have a second factor enrolled' })
  two_factor_enabled!: boolean;

  @ApiProperty({ enum: TWO_FACTOR_POLICIES, description: "The account's two-factor policy" })
  two_factor_policy!: TwoFactorPolicy;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  created_at!: string;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-08T08:00:00Z', description: 'My last sign-in' })
  last_login!: string | null;
}

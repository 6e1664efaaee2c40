import { ApiProperty } from '@nestjs/swagger';
import { StringField } from '@castellan/core';
import { PasswordField } from '../../passwords/password.field.js';

export class SignInDto {
  @StringField({ required: true, maxLength: 255, description: 'The email address of the user', example: 'ada@example.com' })
  email!: string;

  @PasswordField('The password the user set when they accepted their invitation or reset it')
  password!: string;

  @StringField({
    maxLength: 36,
    description: 'The account, when this email and password open several: without it, the answer lists them (status `choose_account`)',
  })
  account_id?: string;
}

export const SIGN_IN_STATUSES = ['signed_in', 'second_factor_required', 'enrollment_required', 'choose_account'] as const;
export type SignInStatus = (typeof SIGN_IN_STATUSES)[number];

export class AccountChoiceDto {
  @ApiProperty({ example: 'b7a2c0de-0000-4000-8000-000000000001' })
  id!: string;

  @ApiProperty({ example: 'Acme' })
  name!: string;
}

export class SignInResultDto {
  @ApiProperty({
    enum: SIGN_IN_STATUSES,
    description:
      '`signed_in`: the cookie acts as the user. `second_factor_required`: send a code to POST /v1_1/sign-in/second-factor. ' +
      '`enrollment_required`: the account requires two-factor authentication and the user has none: enroll through ' +
      'POST /v1_1/sign-in/enrollment. `choose_account`: the email and password open several accounts; sign in again with ' +
      'one of `accounts` as account_id (no cookie is set)',
  })
  status!: SignInStatus;

  @ApiProperty({ type: String, nullable: true, description: 'The account signed in to; null for choose_account' })
  account_id!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The user signed in as; null for choose_account' })
  user_id!: string | null;

  @ApiProperty({ type: [AccountChoiceDto], required: false, description: 'Only for choose_account' })
  accounts?: AccountChoiceDto[];
}

export class CurrentSessionDto {
  @ApiProperty({ enum: ['full', 'second_factor', 'enrollment'], description: 'How far the sign-in got; only `full` may use the API' })
  stage!: 'full' | 'second_factor' | 'enrollment';

  @ApiProperty()
  account_id!: string;

  @ApiProperty()
  user_id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: 'admin' })
  role!: string;

  @ApiProperty({ enum: ['password', 'saml', 'break_glass'] })
  method!: 'password' | 'saml' | 'break_glass';

  @ApiProperty({ description: 'Whether the user has a second factor enrolled' })
  two_factor_enabled!: boolean;

  @ApiProperty({ enum: ['optional', 'required'], description: "The account's two-factor policy" })
  two_factor_policy!: 'optional' | 'required';

  @ApiProperty({ example: '2026-12-08T08:40:00Z', description: 'When the session ends unless used again' })
  expires_at!: string;
}

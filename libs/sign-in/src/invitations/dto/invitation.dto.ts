import { ApiProperty } from '@nestjs/swagger';
import { StringField } from '@castellan/core';
import { PasswordField } from '../../passwords/password.field.js';

/** The token of a mailed link, as the console reads it from the link's fragment. */
export const LinkTokenField = (description: string) =>
  StringField({ required: true, maxLength: 64, description, example: 'q1Vb0u3GfZ0cR4x9wq0nYt8m6Lk2s7PdJ5hE1aB3cXo' });

export class InvitationTokenDto {
  @LinkTokenField('The token of the invitation link (what follows `#/invitation/`)')
  token!: string;
}

export class AcceptInvitationDto extends InvitationTokenDto {
  @PasswordField('The password the user chooses: at least 12 characters, not a common one, not their email address or name')
  password!: string;
}

export class InvitationDto {
  @ApiProperty({ example: 'ada@example.com', description: 'The invited user: the email they will sign in with' })
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ example: 'Acme', description: 'The account the user is invited to' })
  account_name!: string;

  @ApiProperty({ description: 'The account requires two-factor authentication: accepting leads to enrolling a second factor' })
  two_factor_required!: boolean;

  @ApiProperty({ example: '2026-12-11T08:00:00Z', description: 'When the link stops working' })
  expires_at!: string;
}

export class InvitationSentDto {
  @ApiProperty({ example: 'ok' })
  message!: 'ok';

  @ApiProperty({ example: '2026-12-11T08:00:00Z', description: 'When the new link stops working' })
  expires_at!: string;
}

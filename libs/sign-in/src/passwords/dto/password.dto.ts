import { StringField } from '@castellan/core';
import { LinkTokenField } from '../../invitations/dto/invitation.dto.js';
import { PasswordField } from '../password.field.js';

export class PasswordResetRequestDto {
  @StringField({ required: true, maxLength: 255, description: 'The email address the user signs in with', example: 'ada@example.com' })
  email!: string;

  @StringField({ maxLength: 36, description: 'Only the user of this account; without it, the users with this email in every account' })
  account_id?: string;
}

export class PasswordResetConfirmDto {
  @LinkTokenField('The token of the reset link (what follows `#/reset-password/`)')
  token!: string;

  @PasswordField('The new password: at least 12 characters, not a common one, not the email address or name')
  password!: string;
}

export class ChangePasswordDto {
  @PasswordField('The password the person signs in with now')
  current_password!: string;

  @PasswordField('The new password: at least 12 characters, not a common one, not the email address or name')
  new_password!: string;
}

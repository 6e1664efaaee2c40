import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from './password-policy.js';

/**
 * A password as typed: unlike other text fields it is not trimmed (spaces are part of a passphrase) and may hold any
 * character. The policy (checkPassword) judges a new one; this only bounds what is read. Length here counts UTF-16
 * units, four per character at most, so no password the policy allows is refused by it.
 */
export function PasswordField(description: string) {
  return applyDecorators(
    ApiProperty({ type: String, format: 'password', description, maxLength: MAX_PASSWORD_LENGTH * 4, required: true }),
    IsDefined({ message: '$property is required' }),
    IsString({ message: '$property must be a string' }),
    // Blank is no password: asked for, not refused as a wrong one.
    Matches(/\S/, { message: '$property is required' }),
    MaxLength(MAX_PASSWORD_LENGTH * 4, { message: `$property must be at most ${MAX_PASSWORD_LENGTH} characters long` }),
  );
}

import { ApiProperty } from '@nestjs/swagger';
import { StringField } from '@castellan/core';

export const CODE_PATTERN = /^\d{6}$/;

export class VerifyCodeDto {
  @StringField({ required: true, maxLength: 32, description: 'The user the code was sent to', example: 'abcde1fghij2klmno3pqrst4uvwxy5z0' })
  user_id!: string;

  @StringField({
    required: true,
    pattern: CODE_PATTERN,
    patternMessage: 'code must be 6 digits',
    description: 'The code, as a string of 6 digits',
    example: '042917',
  })
  code!: string;
}

export class VerificationCodeSentDto {
  @ApiProperty({ example: 'ok' })
  message!: 'ok';

  @ApiProperty({ example: '2026-11-22T08:10:16Z', description: 'When the code stops being accepted' })
  expires_at!: string;
}

export class VerificationResultDto {
  @ApiProperty({ description: 'True once per code: a correct code is burnt by its verification' })
  valid!: boolean;
}

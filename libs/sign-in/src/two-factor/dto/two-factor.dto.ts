import { ApiProperty } from '@nestjs/swagger';
import { StringField } from '@castellan/core';
import { TWO_FACTOR_POLICIES } from '@castellan/security';
import type { TwoFactorPolicy } from '@castellan/security';
import { CODE_SHAPE } from '../codes.js';

/** A code that proves the second factor: one from the authenticator app, or (where the route says so) a recovery code. */
export class TwoFactorCodeDto {
  @StringField({
    required: true,
    maxLength: 32,
    pattern: CODE_SHAPE,
    patternMessage: '$property must be the 6-digit code of an authenticator app, or a recovery code (xxxxx-xxxxx)',
    description: 'The 6-digit code the authenticator app shows, or a recovery code; spaces and dashes are ignored, and so is case',
    example: '123456',
  })
  code!: string;
}

/** What an authenticator app needs to add the account: the secret, as text and as a QR code. */
export class TwoFactorEnrollmentDto {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'The TOTP secret (base32), for typing into the app. Shown this once: confirm a code of it to turn two-factor on',
  })
  secret!: string;

  @ApiProperty({
    example:
      'otpauth://totp/Castellan:ada%40example.com?issuer=Castellan&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' +
      '&algorithm=SHA1&digits=6&period=30',
    description: 'The key URI (SHA-1, 6 digits, 30 seconds), which the QR code holds',
  })
  otpauth_url!: string;

  @ApiProperty({ example: 'data:image/svg+xml;base64,PHN2Zy…', description: 'The key URI as a QR code: a data: URL of an SVG image' })
  qr_code!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    example: ['abcde-fgh23', 'k4mnp-qrs56'],
    description:
      'Ten one-time codes for signing in without the app. Shown this once (only their hashes are kept); a new set replaces ' + 'this one',
  })
  recovery_codes!: string[];
}

export class TwoFactorStatusDto {
  @ApiProperty({ description: 'Whether I have a second factor enrolled' })
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-08T08:00:00Z', description: 'When I enrolled it' })
  enabled_at!: string | null;

  @ApiProperty({ example: 10, description: 'My recovery codes not used yet (0 without a second factor)' })
  recovery_codes_left!: number;

  @ApiProperty({ enum: TWO_FACTOR_POLICIES, description: "The account's policy: while `required`, I may not turn it off" })
  policy!: TwoFactorPolicy;
}

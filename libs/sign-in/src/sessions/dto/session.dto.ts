import { ApiProperty } from '@nestjs/swagger';
import { SIGN_IN_METHODS } from '@castellan/core';
import type { SignInMethod } from '@castellan/core';

export class SessionDto {
  @ApiProperty({ example: 'abcde1fghij2klmno3pqrst4uvwxy5z0', description: "The session's id (not the cookie's token)" })
  id!: string;

  @ApiProperty({
    enum: SIGN_IN_METHODS,
    description: 'How it began: a password, SAML single sign-on, or a break-glass password while SSO is required',
  })
  method!: SignInMethod;

  @ApiProperty({ example: '203.0.113.7', description: 'The address it began from' })
  ip!: string;

  @ApiProperty({ example: 'Mozilla/5.0 …', description: 'The browser it began in, as it named itself' })
  user_agent!: string;

  @ApiProperty({ example: '2026-12-08T08:00:00Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-12-08T08:10:00Z', description: 'Its last request, to the minute' })
  last_seen_at!: string;

  @ApiProperty({
    example: '2026-12-08T08:40:00Z',
    description: 'When it ends unless used again (the idle or the absolute lifetime, whichever comes first)',
  })
  expires_at!: string;

  @ApiProperty({ description: 'True for the session making this request' })
  current!: boolean;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  sessions!: SessionDto[];
}

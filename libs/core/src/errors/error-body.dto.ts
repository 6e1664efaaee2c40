import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ example: 'rules[0].actions[1]: unknown action "video:*"', description: 'What went wrong, in words' })
  message!: string;

  @ApiPropertyOptional({
    example: 'rules[0].actions[1]',
    description:
      'Where in the request body the problem is, when a validation knows: object keys joined by dots, array indices in brackets ' +
      '(`rules[0].conditions.folder`, `saml.sso_url`). Absent when the problem is not in one place of the body',
  })
  path?: string;

  @ApiPropertyOptional({
    example: 'admin:resources.delete',
    description:
      'The action a 403 of the grant invariant is about: one the caller does not hold, which the change would have given. ' +
      'Absent on other answers',
  })
  action?: string;
}

/** The body of every answer other than 2xx, as Cloudinary's APIs answer them. */
export class ErrorBodyDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}

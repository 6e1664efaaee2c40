import { ApiProperty } from '@nestjs/swagger';

/** Hours a usage answer covers, the current one included: 7 days. */
export const USAGE_HOURS = 168;

export const USAGE_DESCRIPTION = 'Allowed and denied uses of the key per hour over the last 7 days, oldest first';

export class KeyUsageCountsDto {
  @ApiProperty({
    example: 1200,
    description: 'Requests the access guard let through, and allowed decisions of /v1_1/authorize and /authorize/batch',
  })
  allowed!: number;

  @ApiProperty({
    example: 3,
    description:
      'Refusals of the key: 403s, its rate limit, authentications with its api_key refused for a wrong secret, ' +
      'a disabled or expired key, an address outside an allowlist, a disabled user or another account; and denied decisions',
  })
  denied!: number;
}

export class KeyUsageHourDto extends KeyUsageCountsDto {
  @ApiProperty({ example: '2026-12-03T18:00:00Z', description: 'The start of the hour, UTC' })
  hour!: string;
}

export class KeyUsageDto {
  @ApiProperty({ example: '814814814814814' })
  api_key!: string;

  @ApiProperty({ example: '2026-11-26T19:00:00Z', description: `The first hour shown: ${USAGE_HOURS - 1} hours before the current one` })
  from!: string;

  @ApiProperty({ example: '2026-12-03T18:00:00Z', description: 'The current hour' })
  to!: string;

  @ApiProperty({ type: [KeyUsageHourDto], description: `${USAGE_HOURS} hours, oldest first, hours without use included with zeros` })
  hours!: KeyUsageHourDto[];

  @ApiProperty({ type: KeyUsageCountsDto, description: 'The sums over those hours' })
  totals!: KeyUsageCountsDto;
}

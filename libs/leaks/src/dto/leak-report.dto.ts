import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { recogniseSecret } from '@castellan/core';

export const MAX_REPORTED_SECRETS = 100;

/**
 * What is wrong with a reported list, or null. Whether a string is a well-formed secret can be checked offline
 * (format and checksum), so naming the entry that is not one tells the reporter nothing about any key.
 */
function problem(value: unknown): string | null {
  if (value === undefined) return 'secrets is required';
  if (!Array.isArray(value)) return 'secrets must be a list of secrets';
  if (value.length === 0) return 'secrets must hold at least one secret';
  if (value.length > MAX_REPORTED_SECRETS) return `secrets may hold at most ${MAX_REPORTED_SECRETS} secrets`;
  const bad = value.findIndex((entry) => typeof entry !== 'string' || !recogniseSecret(entry));
  if (bad < 0) return null;
  return typeof value[bad] === 'string' ? `secrets[${bad}] is not a Castellan secret` : `secrets[${bad}] must be a string`;
}

export class LeakReportDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_REPORTED_SECRETS,
    example: ['cstle_PUmSjS45lBtPejSS0EDVcFe2l2cz7m8T3uVMen'],
    description: 'Secrets seen where they should not be: a JSON array, or repeated or comma-joined form fields',
  })
  // A form body carries one value as a string; "" and null mean "not given", as everywhere on this API.
  @Transform(({ value }) => {
    if (value === null || value === '') return undefined;
    const list = typeof value === 'string' ? value.split(',') : value;
    return Array.isArray(list) ? list.map((entry: unknown) => (typeof entry === 'string' ? entry.trim() : entry)) : list;
  })
  @ValidateBy({
    name: 'reportedSecrets',
    validator: { validate: (value: unknown) => problem(value) === null, defaultMessage: (args) => problem(args?.value) ?? '' },
  })
  secrets!: string[];
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsDefined, IsOptional } from 'class-validator';
import { parseJsonText } from '@castellan/core';

/** Documents the rule format; rules are validated against the catalogue by libs/permissions (validatePolicy). */
export class RuleDto {
  @ApiProperty({ enum: ['allow', 'deny'] })
  effect!: 'allow' | 'deny';

  @ApiProperty({ type: [String], example: ['upload:*', 'admin:resources.read'], description: '`*`, `<plugin>:*` or `<plugin>:<action>`' })
  actions!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { folder: { $regex: '^public/' } },
    description: 'MongoDB-style conditions over the attributes the actions declare',
  })
  conditions?: Record<string, unknown>;
}

/** A policy's rules: an array (JSON text in a form body), checked rule by rule by validatePolicy in the service. */
export function RulesField(opts: { required?: boolean; description?: string } = {}) {
  const required = opts.required ?? false;
  return applyDecorators(
    ApiProperty({ type: [RuleDto], required, description: opts.description }),
    Transform(({ value }) => (value === undefined || value === null || value === '' ? undefined : parseJsonText(value))),
    required ? IsDefined({ message: '$property is required' }) : IsOptional(),
    IsArray({ message: '$property must be an array' }),
  );
}

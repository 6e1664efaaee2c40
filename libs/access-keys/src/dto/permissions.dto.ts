import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray } from 'class-validator';
import type { PolicyRule } from '@castellan/core';

/** Documents the rule format; rules are validated against the catalogue by libs/permissions. */
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

export class PolicyInputDto {
  @ApiProperty({ type: [RuleDto] })
  @IsArray({ message: 'rules must be an array' })
  rules!: unknown[];
}

export class PolicyDto {
  @ApiProperty({ example: '814814814814814' })
  api_key!: string;

  @ApiProperty({ type: [RuleDto] })
  rules!: PolicyRule[];

  @ApiProperty({ description: "True while the key has its kind's default policy (none was ever set)" })
  default!: boolean;
}

import { ApiProperty } from '@nestjs/swagger';
import type { PolicyRule } from '@castellan/core';
import { RuleDto, RulesField } from '@castellan/permissions';

export class PolicyInputDto {
  @RulesField({ required: true })
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

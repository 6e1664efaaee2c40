import { ApiProperty } from '@nestjs/swagger';
import { ListField } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';
import { RuleDto, RulesField } from '@castellan/permissions';

export class PolicyInputDto {
  @RulesField({ required: true })
  rules!: unknown[];

  @ListField({ description: 'Custom role ids the key also holds (not for user keys); a PUT replaces them' })
  roles?: string[];
}

export class PolicyDto {
  @ApiProperty({ example: '814814814814814' })
  api_key!: string;

  @ApiProperty({ type: [RuleDto] })
  rules!: PolicyRule[];

  @ApiProperty({ type: [String], description: 'Custom roles the key holds besides its own rules' })
  roles!: string[];

  @ApiProperty({ description: "True while the key has its kind's default policy (none was ever set)" })
  default!: boolean;
}

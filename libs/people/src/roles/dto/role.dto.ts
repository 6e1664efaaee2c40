import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StringField } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';
import { RuleDto, RulesField } from '@castellan/permissions';

export class CreateRoleDto {
  @StringField({ required: true, description: 'Unique in the account, ignoring case; not the name of a system role', example: 'Uploaders' })
  name!: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @RulesField({ required: true, description: 'Validated like a key policy; the caller must hold every action the rules allow' })
  rules!: unknown[];
}

export class UpdateRoleDto {
  @StringField({ description: 'Unique in the account, ignoring case' })
  name?: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @RulesField({ description: 'Replaces the rules; the caller must hold every action they allow' })
  rules?: unknown[];
}

export class RoleDto {
  @ApiProperty({ example: '0123456789abcdef0123456789abcdef', description: 'A system role is identified by its name' })
  id!: string;

  @ApiProperty({ example: 'Uploaders' })
  name!: string;

  @ApiProperty({ nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ type: [RuleDto] })
  rules!: PolicyRule[];

  @ApiProperty({ description: 'True for the built-in roles, which are read-only' })
  system!: boolean;

  @ApiPropertyOptional({ example: '2026-11-22T08:00:16Z', description: 'Custom roles only' })
  created_at?: string;

  @ApiPropertyOptional({ example: '2026-11-22T08:00:16Z', description: 'Custom roles only' })
  updated_at?: string;
}

export class RoleListDto {
  @ApiProperty({ type: [RoleDto], description: 'System roles first, then custom roles, oldest first' })
  roles!: RoleDto[];
}

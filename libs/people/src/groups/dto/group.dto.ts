import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BooleanField, ListField, StringField } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';
import { RuleDto, RulesField } from '@castellan/permissions';

export class GroupDetailsQueryDto {
  @BooleanField({ description: 'Add the members and the timestamps' })
  extended_details?: boolean;
}

export class GroupNameDto {
  @StringField({ required: true, example: 'Designers' })
  name!: string;
}

export class GroupUserDto {
  @ApiProperty({ example: '7f08f1f1fc910bf1f25274aef11d27ab' })
  id!: string;

  @ApiProperty({ example: 'jenny_bar' })
  name!: string;

  @ApiProperty({ example: 'jenny_bar@example.com' })
  email!: string;
}

export class UserGroupDto {
  @ApiProperty({ example: '0123456789abcdef0123456789abcdef' })
  id!: string;

  @ApiProperty({ example: 'Designers' })
  name!: string;

  @ApiPropertyOptional({ type: [GroupUserDto], description: 'With extended_details=true' })
  users?: GroupUserDto[];

  @ApiPropertyOptional({ example: '2026-11-22T08:00:16Z', description: 'With extended_details=true' })
  created_at?: string;

  @ApiPropertyOptional({ example: '2026-11-22T08:00:16Z', description: 'With extended_details=true' })
  updated_at?: string;
}

export class UserGroupListDto {
  @ApiProperty({ type: [UserGroupDto] })
  user_groups!: UserGroupDto[];
}

export class GroupUsersDto {
  @ApiProperty({ type: [GroupUserDto], description: 'Members, in the order they were added' })
  users!: GroupUserDto[];
}

export class DeletedGroupDto {
  @ApiProperty({ example: true, description: "Cloudinary's answer to a group delete (unlike every other delete)" })
  ok!: true;
}

export class UserGroupRefDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;
}

export class UserGroupsOfUserDto {
  @ApiProperty({ type: [UserGroupRefDto] })
  groups!: UserGroupRefDto[];
}

export class GroupPermissionsInputDto {
  @ListField({
    description: 'Ids of custom roles of the account (system roles are for users); replaces the list; default none',
    itemMaxLength: 64,
  })
  roles?: string[];

  @RulesField({ required: true, description: 'Rules every member holds besides the roles; replaces them' })
  rules!: unknown[];
}

export class GroupPermissionsDto {
  @ApiProperty({ type: [String], description: 'Ids of the custom roles the group holds' })
  roles!: string[];

  @ApiProperty({ type: [RuleDto] })
  rules!: PolicyRule[];
}

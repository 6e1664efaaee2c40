import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { BooleanField, EnumField, IntField, ListField, NoControlCharacters, StringField } from '@castellan/core';
import { SYSTEM_ROLES } from '@castellan/permissions';
import type { SystemRole } from '@castellan/permissions';

export const USER_SORT_FIELDS = ['name', 'role', 'status', 'activity', 'created_at'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];
export const USER_SORT_ORDERS = ['asc', 'desc'] as const;
export const DEFAULT_USER_PAGE_SIZE = 100;
export const MAX_USER_PAGE_SIZE = 1000;
/** The least privileged role: what a user gets when the request names none. */
export const DEFAULT_USER_ROLE: SystemRole = 'media_library_user';

/** yyyy-mm-dd, a real calendar day. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A list of ids in which an explicit JSON `[]` means "none" (to clear a set on update), while "", null and an
 * absent field mean "not given". Otherwise it reads lists as ListField does (repeated keys, brackets, commas).
 */
function ClearableIdListField(opts: { description?: string } = {}) {
  return applyDecorators(
    ApiProperty({ type: [String], description: opts.description, maxItems: 100, required: false } as ApiPropertyOptions),
    Transform(({ value }) => {
      if (value === undefined || value === null || value === '') return undefined;
      if (Array.isArray(value) && value.length === 0) return [];
      const items = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
      return items.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
    }),
    IsOptional(),
    ArrayMaxSize(100, { message: '$property may hold at most 100 values' }),
    IsString({ each: true, message: '$property must hold strings' }),
    NoControlCharacters(true),
    MaxLength(64, { each: true, message: 'each of $property must be at most 64 characters' }),
  );
}

export class ListUsersDto {
  @ListField({ description: 'User ids (ids=a&ids=b, ids[]=a or ids=a,b), at most 100', itemMaxLength: 64 })
  ids?: string[];

  @ListField({ description: 'Email addresses, matched ignoring case, at most 100' })
  emails?: string[];

  @BooleanField({ description: 'Only pending (true) or only active (false) users' })
  pending?: boolean;

  @StringField({ description: 'Case-insensitive prefix of the name or the email address' })
  prefix?: string;

  @StringField({
    maxLength: 64,
    description: 'Only users who reach this product environment (master admins and users of all environments included)',
  })
  sub_account_id?: string;

  @BooleanField({ description: 'Users who logged in (true) or did not log in (false) between from and to; from and to apply only with it' })
  last_login?: boolean;

  @StringField({
    maxLength: 10,
    pattern: DAY_PATTERN,
    patternMessage: '$property must be a date as yyyy-mm-dd',
    description: 'First day (UTC, inclusive)',
    example: '2026-01-01',
  })
  from?: string;

  @StringField({
    maxLength: 10,
    pattern: DAY_PATTERN,
    patternMessage: '$property must be a date as yyyy-mm-dd',
    description: 'Last day (UTC, inclusive)',
    example: '2026-01-31',
  })
  to?: string;

  @EnumField(USER_SORT_FIELDS, { description: 'Default created_at; status orders active, pending, disabled; activity is the last login' })
  sort_by?: UserSortField;

  @EnumField(USER_SORT_ORDERS, { description: 'Default asc' })
  sort_order?: (typeof USER_SORT_ORDERS)[number];

  @IntField({ min: 1, max: 1000000, default: 1 })
  page?: number;

  @IntField({ min: 1, max: MAX_USER_PAGE_SIZE, default: DEFAULT_USER_PAGE_SIZE })
  page_size?: number;
}

export class CreateUserDto {
  @StringField({ required: true, example: 'Jenny Bar' })
  name!: string;

  @StringField({ required: true, example: 'jenny_bar@example.com', description: 'Unique in the account, ignoring case' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  email!: string;

  @EnumField(SYSTEM_ROLES, { description: `Default ${DEFAULT_USER_ROLE}` })
  role?: SystemRole;

  @ListField({ description: 'Product environments the user reaches; all when absent; ignored for master_admin', itemMaxLength: 64 })
  sub_account_ids?: string[];

  @BooleanField({ description: 'Every product environment, present and future (true); sub_account_ids must then be absent' })
  all_sub_accounts?: boolean;

  @BooleanField({ description: 'Default true' })
  enabled?: boolean;

  @ClearableIdListField({ description: "Ids of the account's custom roles; [] for none" })
  custom_roles?: string[];
}

/** Every create field, all optional; sub_account_ids replaces the user's environments, custom_roles its custom roles. */
export class UpdateUserDto extends PartialType(CreateUserDto) {}

export class UserDto {
  @ApiProperty({ example: '7f08f1f1fc910bf1f25274aef11d27a1' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: SYSTEM_ROLES })
  role!: SystemRole;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ description: 'True until the user first signs in' })
  pending!: boolean;

  @ApiProperty({ type: [String], description: 'The environments the user reaches; [] when all_sub_accounts' })
  sub_account_ids!: string[];

  @ApiProperty({ description: 'Every environment of the account (always true for master_admin)' })
  all_sub_accounts!: boolean;

  @ApiProperty({ type: [String], description: 'Ids of the custom roles the user holds' })
  custom_roles!: string[];

  @ApiProperty({ nullable: true, type: String, example: '2026-11-22T08:00:16Z' })
  last_login!: string | null;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  updated_at!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  users!: UserDto[];

  @ApiProperty({ description: 'Users matching the filters, over all pages' })
  total!: number;
}

export class UserEnvironmentDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ nullable: true, type: String })
  description!: string | null;

  @ApiProperty()
  cloud_name!: string;

  @ApiProperty()
  enabled!: boolean;
}

export class UserEnvironmentListDto {
  @ApiProperty({ type: [UserEnvironmentDto] })
  sub_accounts!: UserEnvironmentDto[];
}

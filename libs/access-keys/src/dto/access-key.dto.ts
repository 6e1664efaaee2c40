import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BooleanField, EnumField, IntField, StringField } from '@castellan/core';

export const KEY_SORT_FIELDS = ['api_key', 'created_at', 'name', 'enabled'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export class ListKeysDto {
  @IntField({ min: 1, max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  page_size?: number;

  @IntField({ min: 1, max: 1000000, default: 1 })
  page?: number;

  @EnumField(KEY_SORT_FIELDS, { description: 'Default created_at' })
  sort_by?: (typeof KEY_SORT_FIELDS)[number];

  @EnumField(SORT_ORDERS, { description: 'Default desc' })
  sort_order?: (typeof SORT_ORDERS)[number];
}

export class GenerateKeyDto {
  @StringField({ description: 'Unique among the keys it sits with; generated when absent' })
  name?: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @BooleanField({ description: 'Default true' })
  enabled?: boolean;
}

export class UpdateAccountKeyDto {
  @StringField()
  name?: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @BooleanField()
  enabled?: boolean;
}

export const DEDICATED_PURPOSES = ['webhooks'] as const;

export class UpdateAccessKeyDto extends UpdateAccountKeyDto {
  @EnumField(DEDICATED_PURPOSES, { description: 'Make this the environment\'s one key for this purpose, taking it from any other key' })
  dedicated_for?: (typeof DEDICATED_PURPOSES)[number];
}

/** Delete-by-name reads the name from the query string or the body, so neither alone requires it. */
export class KeyNameDto {
  @StringField({ description: 'The name of the key to delete (query string, form or JSON body)' })
  name?: string;
}

/** Field order follows Cloudinary's live responses: name, api_key, api_secret, dates, enabled, dedicated_for, root. */
export class AccessKeyDto {
  @ApiProperty({ example: 'main_key' })
  name!: string;

  @ApiProperty({ example: '814814814814814' })
  api_key!: string;

  @ApiPropertyOptional({ description: 'Only in the response that generated the key' })
  api_secret?: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  updated_at!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiPropertyOptional({ type: [String], example: ['webhooks'] })
  dedicated_for?: string[];

  @ApiProperty({ description: 'The key made together with its environment or account' })
  root!: boolean;

  @ApiProperty({ nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'When the key last authenticated (recorded within seconds, off the request path)' })
  last_used_at!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The address it last authenticated from' })
  last_used_ip!: string | null;

  @ApiPropertyOptional({ description: 'Environment keys, with the secret only: CLOUDINARY_URL' })
  api_environment_variable?: string;

  @ApiPropertyOptional({ description: 'Account keys, with the secret only: CLOUDINARY_ACCOUNT_URL' })
  account_url?: string;
}

export class AccessKeyListDto {
  @ApiProperty({ type: [AccessKeyDto] })
  access_keys!: AccessKeyDto[];

  @ApiProperty()
  total!: number;
}

export class UserKeyListDto {
  @ApiProperty({ type: [AccessKeyDto] })
  api_keys!: AccessKeyDto[];

  @ApiProperty()
  total!: number;
}

export class AccountKeyListDto {
  @ApiProperty({ type: [AccessKeyDto] })
  account_api_keys!: AccessKeyDto[];

  @ApiProperty()
  total!: number;
}

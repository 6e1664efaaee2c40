import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_IP, BooleanField, EnumField, ExpiryField, IntField, IpRangesField, NEVER, StringField } from '@castellan/core';
import type { KeyKind } from '@castellan/core';

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

/** The most requests per minute a key's own limit may allow. */
export const MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;

/** How a key may be used, beyond its permissions: when it stops working, from where, how often. */
export class KeySettingsDto {
  @ExpiryField({ description: `When the key stops working; "${NEVER}" removes the expiry. Capped by the account's key_max_lifetime_days` })
  expires_at?: Date | typeof NEVER;

  @IpRangesField({
    description:
      `Addresses and CIDR ranges the key may be used from; "${ANY_IP}" or [] removes the list. ` + `The account's own list applies too`,
  })
  allowed_ips?: string[] | typeof ANY_IP;

  @IntField({
    min: 0,
    max: MAX_RATE_LIMIT_PER_MINUTE,
    description: 'Requests per minute the key may make (429 past it); 0 removes the limit',
  })
  rate_limit_per_minute?: number;
}

export class GenerateKeyDto extends KeySettingsDto {
  @StringField({ description: 'Unique among the keys it sits with; generated when absent' })
  name?: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @BooleanField({ description: 'Default true' })
  enabled?: boolean;
}

export class UpdateAccountKeyDto extends KeySettingsDto {
  @StringField()
  name?: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @BooleanField()
  enabled?: boolean;
}

export const DEDICATED_PURPOSES = ['webhooks'] as const;

export class UpdateAccessKeyDto extends UpdateAccountKeyDto {
  @EnumField(DEDICATED_PURPOSES, { description: "Make this the environment's one key for this purpose, taking it from any other key" })
  dedicated_for?: (typeof DEDICATED_PURPOSES)[number];
}

/** The longest grace period a rotation may give the secret it replaces: a week. */
export const MAX_GRACE_SECONDS = 604_800;

export class RotateKeyDto {
  @IntField({
    min: 0,
    max: MAX_GRACE_SECONDS,
    default: 0,
    description: "Seconds the replaced secret keeps working (never past the key's expires_at); 0: it stops at once",
  })
  grace_seconds?: number;
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

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When the key last authenticated (recorded within seconds, off the request path)',
  })
  last_used_at!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The address it last authenticated from' })
  last_used_ip!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2027-01-01T00:00:00Z', description: 'When the key stops working; null: never' })
  expires_at!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Until when the secret replaced by the last rotation still works; null: it does not',
  })
  previous_secret_expires_at!: string | null;

  @ApiProperty({ nullable: true, type: [String], description: 'Where the key may be used from; null: anywhere the account allows' })
  allowed_ips!: string[] | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Requests per minute; null: no limit of its own' })
  rate_limit_per_minute!: number | null;

  @ApiPropertyOptional({ description: 'Environment keys, with the secret only: CLOUDINARY_URL' })
  api_environment_variable?: string;

  @ApiPropertyOptional({ description: 'Account keys, with the secret only: CLOUDINARY_ACCOUNT_URL' })
  account_url?: string;
}

/** A key the operator rotated by api_key alone (the CLI), with the account and kind it turned out to have. */
export type RecoveredKeyDto = AccessKeyDto & { account_id: string; kind: KeyKind };

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

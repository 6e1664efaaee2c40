import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { BooleanField, EnumField, JsonObjectField, ListField, NestedField, NumberField, StringField } from '@castellan/core';
import { FOLDER_MODES, RECORD_LOCATIONS } from '../environment.entity.js';
import type { CustomAttributes, FolderMode, RecordLocation } from '../environment.entity.js';

export const CLOUD_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const cloudName = (required = false) =>
  StringField({
    required,
    maxLength: 64,
    pattern: CLOUD_NAME_PATTERN,
    patternMessage: 'cloud_name may contain only letters, digits, "_" and "-"',
    description: 'Unique across all accounts, case-insensitive; generated when absent',
    example: 'product1',
  });

export class UsageLimitsDto {
  @NumberField({ description: 'Monthly credits' })
  credits?: number;

  @NumberField({ description: 'Storage, in GB' })
  storage_gb?: number;

  @NumberField({ description: 'Monthly bandwidth, in GB' })
  bandwidth_gb?: number;

  @NumberField({ description: 'Monthly transformations' })
  transformations?: number;
}

export class ListEnvironmentsDto {
  @BooleanField({ description: 'Only enabled (true) or disabled (false) environments' })
  enabled?: boolean;

  @ListField({ description: 'Environment ids (ids=a&ids=b, ids[]=a or ids=a,b), at most 100' })
  ids?: string[];

  @StringField({ description: 'Case-insensitive prefix of the name' })
  prefix?: string;

  @ListField({ description: 'Cloud names, at most 100', itemMaxLength: 64 })
  cloud_names?: string[];
}

export class CreateEnvironmentDto {
  @StringField({ required: true, example: 'Product1 Application' })
  name!: string;

  @cloudName()
  cloud_name?: string;

  @StringField({ maxLength: 1000 })
  description?: string;

  @BooleanField({ description: 'Default true' })
  enabled?: boolean;

  @JsonObjectField({ example: { team: 'mobile' } })
  custom_attributes?: CustomAttributes;

  @EnumField(FOLDER_MODES, { description: 'Default dynamic; cannot change after creation' })
  folder_mode?: FolderMode;

  @EnumField(RECORD_LOCATIONS, { description: 'Where asset records are kept; default us; cannot change after creation' })
  asset_record_location?: RecordLocation;

  @NestedField(() => UsageLimitsDto)
  usage_limits?: UsageLimitsDto;

  @StringField({
    maxLength: 64,
    description: 'Copy usage limits, folder mode, custom attributes and record location from this environment',
  })
  base_sub_account_id?: string;
}

/** Every create field but the base environment, all optional; folder_mode and asset_record_location are accepted only unchanged. */
export class UpdateEnvironmentDto extends PartialType(OmitType(CreateEnvironmentDto, ['base_sub_account_id'] as const)) {}

export class EnvironmentKeyDto {
  @ApiProperty({ example: '123456789012345' })
  key!: string;

  @ApiPropertyOptional({ description: 'Only in the response that created the environment' })
  secret?: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiPropertyOptional({ example: 'cloudinary://123456789012345:cstle_...@product1', description: 'CLOUDINARY_URL; only with the secret' })
  api_environment_variable?: string;
}

export class EnvironmentDto {
  @ApiProperty({ example: 'product1' })
  cloud_name!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ example: 'abcde1fghij2klmno3pqrst4uvwxy5z0' })
  id!: string;

  @ApiProperty({ nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ enum: FOLDER_MODES })
  folder_mode!: FolderMode;

  @ApiProperty({ enum: RECORD_LOCATIONS })
  asset_record_location!: RecordLocation;

  @ApiProperty({ type: UsageLimitsDto, nullable: true })
  usage_limits!: UsageLimitsDto | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  custom_attributes!: CustomAttributes | null;

  @ApiProperty({ type: [EnvironmentKeyDto], description: 'Enabled access keys, oldest first' })
  api_access_keys!: EnvironmentKeyDto[];

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  updated_at!: string;
}

export class EnvironmentListDto {
  @ApiProperty({ type: [EnvironmentDto] })
  sub_accounts!: EnvironmentDto[];
}

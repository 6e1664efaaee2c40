import { Column, Entity } from 'typeorm';
import { AccountRecordEntity } from '@castellan/core';

export const FOLDER_MODES = ['dynamic', 'fixed'] as const;
export type FolderMode = (typeof FOLDER_MODES)[number];
export const RECORD_LOCATIONS = ['us', 'eu', 'ap'] as const;
export type RecordLocation = (typeof RECORD_LOCATIONS)[number];

/** Free-form JSON; typed loosely because TypeORM's deep-partial types cannot recurse into a JSON type. */
export type CustomAttributes = { [key: string]: string | number | boolean | null | object };

export interface UsageLimits {
  credits?: number;
  storage_gb?: number;
  bandwidth_gb?: number;
  transformations?: number;
}

@Entity('product_environments')
export class EnvironmentEntity extends AccountRecordEntity {
  /** Stored lower-case: cloud names are case-insensitive and unique across all accounts. */
  @Column({ name: 'cloud_name', type: 'varchar', length: 64 })
  cloudName!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'folder_mode', type: 'varchar', length: 16 })
  folderMode!: FolderMode;

  @Column({ name: 'asset_record_location', type: 'varchar', length: 8 })
  assetRecordLocation!: RecordLocation;

  @Column({ name: 'usage_limits', type: 'simple-json', nullable: true })
  usageLimits!: UsageLimits | null;

  @Column({ name: 'custom_attributes', type: 'simple-json', nullable: true })
  customAttributes!: CustomAttributes | null;
}

import { Column, Entity } from 'typeorm';
import { AccountRecordEntity } from '@castellan/core';
import type { KeyKind, PolicyRule } from '@castellan/core';

/** Every kind of key in one table, so that authentication is one lookup by api_key whatever the kind. */
@Entity('api_keys')
export class ApiKeyEntity extends AccountRecordEntity {
  @Column({ name: 'environment_id', type: 'varchar', length: 32, nullable: true })
  environmentId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind!: KeyKind;

  @Column({ name: 'api_key', type: 'varchar', length: 32 })
  apiKey!: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'boolean' })
  root!: boolean;

  @Column({ name: 'dedicated_for', type: 'varchar', length: 32, nullable: true })
  dedicatedFor!: string | null;

  /** A user key's user. */
  @Column({ name: 'user_id', type: 'varchar', length: 32, nullable: true })
  userId!: string | null;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'varchar', length: 64, nullable: true })
  lastUsedIp!: string | null;

  /** The key's own policy; null means its kind's default. */
  @Column({ type: 'simple-json', nullable: true })
  rules!: PolicyRule[] | null;
}

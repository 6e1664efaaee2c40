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

  /** uniquenessKey(name), set by ApiKeyRepository whenever the name is written: names are looked up by it. */
  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey?: string;

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

  /** After this instant the key no longer authenticates; null: never. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  /** The secret a rotation replaced, which keeps working until previousSecretExpiresAt (the grace period). */
  @Column({ name: 'previous_secret_hash', type: 'varchar', length: 64, nullable: true })
  previousSecretHash!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'datetime', precision: 3, nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** CIDR ranges the key may be used from; null: anywhere (the account's own list still applies). */
  @Column({ name: 'allowed_ips', type: 'simple-json', nullable: true })
  allowedIps!: string[] | null;

  /** Requests per minute the key may make; null: no limit of its own. */
  @Column({ name: 'rate_limit_per_minute', type: 'int', nullable: true })
  rateLimitPerMinute!: number | null;

  /** The key's own policy; null means its kind's default. */
  @Column({ type: 'simple-json', nullable: true })
  rules!: PolicyRule[] | null;
}

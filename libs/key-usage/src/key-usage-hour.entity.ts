import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How often one key was used in one UTC hour: requests the access guard let through, and refusals of the key
 * (decisions, for the decision API). Rows are only ever added to (several instances flush into the same row)
 * and pruned after KEY_USAGE_RETENTION_HOURS. No foreign keys: a flush must never fail on a key deleted
 * meanwhile; the rows of deleted keys go with the pruning.
 */
@Entity('key_usage_hours')
export class KeyUsageHourEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @PrimaryColumn({ name: 'api_key', type: 'varchar', length: 32 })
  apiKey!: string;

  /** The start of the hour, UTC. */
  @PrimaryColumn({ name: 'hour_start', type: 'datetime' })
  hourStart!: Date;

  @Column({ type: 'int' })
  allowed!: number;

  @Column({ type: 'int' })
  denied!: number;
}

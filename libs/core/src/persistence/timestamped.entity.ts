import { Column, PrimaryColumn } from 'typeorm';

/** Timestamps set by the application rather than by column defaults, so both drivers store the same values. */
export abstract class TimestampedEntity {
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** A record of one account: a 32-character id, the owning account, and timestamps. */
export abstract class AccountRecordEntity extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;
}

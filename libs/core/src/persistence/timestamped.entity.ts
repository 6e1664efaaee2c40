import { Column } from 'typeorm';

/** Timestamps set by the application rather than by column defaults, so both drivers store the same values. */
export abstract class TimestampedEntity {
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per one-time event; the primary key makes each happen once across instances. */
@Entity('system_events')
export class SystemEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'happened_at', type: 'datetime', precision: 3 })
  happenedAt!: Date;
}

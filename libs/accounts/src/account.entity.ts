import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampedEntity } from '@castellan/core';

@Entity('accounts')
export class AccountEntity extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'max_product_environments', type: 'int' })
  maxProductEnvironments!: number;

  @Column({ name: 'lock_version', type: 'int' })
  lockVersion!: number;
}

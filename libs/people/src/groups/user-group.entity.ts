import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampedEntity } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';

@Entity('user_groups')
export class UserGroupEntity extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** Rules every member holds, beside the group's roles. */
  @Column({ type: 'simple-json', nullable: true })
  rules!: PolicyRule[] | null;
}

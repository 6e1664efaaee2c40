import { Column, Entity } from 'typeorm';
import { AccountRecordEntity } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';

@Entity('user_groups')
export class UserGroupEntity extends AccountRecordEntity {
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** Rules every member holds, beside the group's roles. */
  @Column({ type: 'simple-json', nullable: true })
  rules!: PolicyRule[] | null;
}

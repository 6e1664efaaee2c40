import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampedEntity } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';

/** A custom role: a named set of rules of one account. System roles are code (libs/permissions). */
@Entity('roles')
export class RoleEntity extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: 'simple-json' })
  rules!: PolicyRule[];
}

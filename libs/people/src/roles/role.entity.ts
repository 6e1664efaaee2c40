import { Column, Entity } from 'typeorm';
import { AccountRecordEntity } from '@castellan/core';
import type { PolicyRule } from '@castellan/core';

/** A custom role: a named set of rules of one account. System roles are code (libs/permissions). */
@Entity('roles')
export class RoleEntity extends AccountRecordEntity {
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** uniquenessKey(name), set by RoleRepository whenever the name is written: the unique index is on it. */
  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey?: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: 'simple-json' })
  rules!: PolicyRule[];
}

import { Column, Entity } from 'typeorm';
import { AccountRecordEntity } from '@castellan/core';
import type { SystemRole } from '@castellan/permissions';

@Entity('users')
export class UserEntity extends AccountRecordEntity {
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** Unique per account, compared after normalization and case folding (see emailKey). */
  @Column({ type: 'varchar', length: 255 })
  email!: string;

  /** uniquenessKey(email), set by UserRepository whenever the email is written: the unique index is on it. */
  @Column({ name: 'email_key', type: 'varchar', length: 64 })
  emailKey?: string;

  @Column({ type: 'varchar', length: 32 })
  role!: SystemRole;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** True until the user first authenticates. */
  @Column({ type: 'boolean' })
  pending!: boolean;

  /** When false, user_environments lists the environments the user reaches. Ignored for master_admin. */
  @Column({ name: 'all_sub_accounts', type: 'boolean' })
  allSubAccounts!: boolean;

  @Column({ name: 'last_login', type: 'datetime', precision: 3, nullable: true })
  lastLogin!: Date | null;
}

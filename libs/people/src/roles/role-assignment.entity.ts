import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RoleHolderType = 'user' | 'group' | 'key';

/** A custom role held by a user, a group or a key. */
@Entity('role_assignments')
export class RoleAssignmentEntity {
  @PrimaryColumn({ name: 'role_id', type: 'varchar', length: 32 })
  roleId!: string;

  @PrimaryColumn({ name: 'holder_type', type: 'varchar', length: 16 })
  holderType!: RoleHolderType;

  @PrimaryColumn({ name: 'holder_id', type: 'varchar', length: 32 })
  holderId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;
}

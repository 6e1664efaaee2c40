import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('user_group_members')
export class UserGroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 32 })
  groupId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('user_environments')
export class UserEnvironmentEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @PrimaryColumn({ name: 'environment_id', type: 'varchar', length: 32 })
  environmentId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What lets a user sign in besides SSO: a password and a second factor. One row per user, written on the first change. */
@Entity('user_credentials')
export class UserCredentialEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  /** argon2id, in its PHC string form (parameters included); null until the user sets a password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'password_changed_at', type: 'datetime', precision: 3, nullable: true })
  passwordChangedAt!: Date | null;

  /** The TOTP secret, sealed (AES-256-GCM under a key derived from the server pepper); null without TOTP. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true })
  totpSecret!: string | null;

  /** Set once the user proved a code of the secret: until then the secret is an enrollment in progress. */
  @Column({ name: 'totp_enabled_at', type: 'datetime', precision: 3, nullable: true })
  totpEnabledAt!: Date | null;

  /** The last TOTP time step accepted, so that no code works twice. */
  @Column({ name: 'totp_last_step', type: 'int', nullable: true })
  totpLastStep!: number | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A SAML assertion an account already accepted, kept until it expires, so that none is accepted twice. */
@Entity('saml_assertions')
export class SamlAssertionEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  /** SHA-256 of the assertion's ID (IdPs choose IDs of any length). */
  @PrimaryColumn({ name: 'id_hash', type: 'varchar', length: 64 })
  idHash!: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}

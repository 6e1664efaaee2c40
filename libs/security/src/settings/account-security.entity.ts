import { Column, Entity, PrimaryColumn } from 'typeorm';

export const TWO_FACTOR_POLICIES = ['optional', 'required'] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

/** One row per account, written on the first change; an account without a row has the defaults. */
@Entity('account_security')
export class AccountSecurityEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'two_factor', type: 'varchar', length: 16 })
  twoFactor!: TwoFactorPolicy;

  @Column({ name: 'saml_enabled', type: 'boolean' })
  samlEnabled!: boolean;

  @Column({ name: 'saml_idp_entity_id', type: 'varchar', length: 1000, nullable: true })
  samlIdpEntityId!: string | null;

  @Column({ name: 'saml_sso_url', type: 'varchar', length: 2000, nullable: true })
  samlSsoUrl!: string | null;

  /** The identity provider's signing certificate as PEM; only its details are ever returned. */
  @Column({ name: 'saml_certificate', type: 'text', nullable: true })
  samlCertificate!: string | null;

  @Column({ name: 'sso_required', type: 'boolean' })
  ssoRequired!: boolean;

  /** CIDR ranges every key of the account may be used from; null: anywhere. */
  @Column({ name: 'allowed_ips', type: 'simple-json', nullable: true })
  allowedIps!: string[] | null;

  /** The longest lifetime a new key may have; null: keys may never expire. */
  @Column({ name: 'key_max_lifetime_days', type: 'int', nullable: true })
  keyMaxLifetimeDays!: number | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** What an account has before anyone changes its security settings. */
export function defaultSecurity(accountId: string): AccountSecurityEntity {
  return Object.assign(new AccountSecurityEntity(), {
    accountId,
    twoFactor: 'optional',
    samlEnabled: false,
    samlIdpEntityId: null,
    samlSsoUrl: null,
    samlCertificate: null,
    ssoRequired: false,
    allowedIps: null,
    keyMaxLifetimeDays: null,
    updatedAt: new Date(0),
  } satisfies AccountSecurityEntity);
}

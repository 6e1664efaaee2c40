import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { defaultSecurity, TwoFactorPolicy } from './account-security.entity.js';
import { AccountSecurityRepository } from './account-security.repository.js';

/** How people of an account may sign in, as its security settings say. */
export interface SignInPolicy {
  twoFactor: TwoFactorPolicy;
  /** Set while SAML is enabled: the identity provider, with its signing certificate as PEM. */
  saml: { idpEntityId: string; ssoUrl: string; certificatePem: string } | null;
  /** Password sign-in is off, but for master admins' break-glass path. */
  ssoRequired: boolean;
}

/** What libs/sign-in reads of the account security settings, which this library alone reads and writes. */
@Injectable()
export class SignInPolicies {
  constructor(private readonly settings: AccountSecurityRepository) {}

  async of(accountId: string, manager?: EntityManager): Promise<SignInPolicy> {
    const row = (await this.settings.find(accountId, manager)) ?? defaultSecurity(accountId);
    const saml =
      row.samlEnabled && row.samlIdpEntityId && row.samlSsoUrl && row.samlCertificate
        ? { idpEntityId: row.samlIdpEntityId, ssoUrl: row.samlSsoUrl, certificatePem: row.samlCertificate }
        : null;
    return { twoFactor: row.twoFactor, saml, ssoRequired: row.ssoRequired && saml !== null };
  }
}

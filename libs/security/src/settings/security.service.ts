import { Injectable } from '@nestjs/common';
import { ANY_IP, AppError, isoSeconds, refuseLockOut } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { AccountSecurityEntity, defaultSecurity } from './account-security.entity.js';
import { AccountSecurityRepository } from './account-security.repository.js';
import { parseCertificate, requireCurrentlyValid } from './certificate.js';
import { CertificateDetailsDto, SecurityDto, UpdateSecurityDto } from './dto/security.dto.js';

@Injectable()
export class SecurityService {
  constructor(
    private readonly settings: AccountSecurityRepository,
    private readonly accounts: AccountTransactions,
  ) {}

  async get(accountId: string): Promise<SecurityDto> {
    const row = await this.settings.find(accountId);
    return this.toDto(row ?? defaultSecurity(accountId), row !== null);
  }

  /**
   * Merges the change into the stored settings and checks the result as a whole, so that the rules hold
   * whichever request set each part: SAML on needs its three fields, sso_required needs SAML on. An
   * allowlist must include `callerIp`, the address of the request that sets it.
   */
  async update(accountId: string, input: UpdateSecurityDto, callerIp: string): Promise<SecurityDto> {
    const now = new Date();
    const certificate = input.saml?.x509_certificate !== undefined ? parseCertificate(input.saml.x509_certificate) : undefined;
    if (certificate) requireCurrentlyValid(certificate.details, now);

    const saved = await this.accounts.run(accountId, async (manager) => {
      // The account row lock serialises writers, so the first two writes cannot both insert.
      const current = await this.settings.find(accountId, manager);
      const before = current ?? defaultSecurity(accountId);
      const next: AccountSecurityEntity = {
        ...before,
        twoFactor: input.two_factor ?? before.twoFactor,
        samlEnabled: input.saml?.enabled ?? before.samlEnabled,
        samlIdpEntityId: input.saml?.idp_entity_id ?? before.samlIdpEntityId,
        samlSsoUrl: input.saml?.sso_url ?? before.samlSsoUrl,
        samlCertificate: certificate?.pem ?? before.samlCertificate,
        ssoRequired: input.sso_required ?? before.ssoRequired,
        allowedIps: input.allowed_ips === undefined ? before.allowedIps : input.allowed_ips === ANY_IP ? null : input.allowed_ips,
        keyMaxLifetimeDays: input.key_max_lifetime_days === undefined ? before.keyMaxLifetimeDays : input.key_max_lifetime_days || null,
        updatedAt: now,
      };
      this.check(next, before, now);
      // Only a change is checked: the caller passed the stored list to get here.
      if (input.allowed_ips !== undefined) refuseLockOut(next.allowedIps, callerIp);
      await this.settings.upsert(manager, accountId, next, current !== null);
      return next;
    });
    return this.toDto(saved, true);
  }

  private check(next: AccountSecurityEntity, before: AccountSecurityEntity, now: Date): void {
    if (next.samlEnabled) {
      const missing = [
        ...(next.samlIdpEntityId ? [] : ['saml.idp_entity_id']),
        ...(next.samlSsoUrl ? [] : ['saml.sso_url']),
        ...(next.samlCertificate ? [] : ['saml.x509_certificate']),
      ];
      if (missing.length) throw AppError.invalid(`SAML cannot be enabled without ${missing.join(', ')}`, 'saml.enabled');
      // Turning SAML on with a certificate stored earlier: that certificate must still be valid.
      if (!before.samlEnabled) requireCurrentlyValid(parseCertificate(next.samlCertificate!).details, now);
    }
    if (next.ssoRequired && !next.samlEnabled)
      throw AppError.invalid('sso_required can be true only while SAML is enabled', 'sso_required');
  }

  private toDto(row: AccountSecurityEntity, stored: boolean): SecurityDto {
    return {
      two_factor: row.twoFactor,
      saml: {
        enabled: row.samlEnabled,
        idp_entity_id: row.samlIdpEntityId,
        sso_url: row.samlSsoUrl,
        certificate: row.samlCertificate ? describe(row.samlCertificate) : null,
      },
      sso_required: row.ssoRequired,
      allowed_ips: row.allowedIps,
      key_max_lifetime_days: row.keyMaxLifetimeDays,
      updated_at: stored ? isoSeconds(row.updatedAt) : null,
    };
  }
}

function describe(pem: string): CertificateDetailsDto {
  const { details } = parseCertificate(pem);
  return {
    subject: details.subject,
    issuer: details.issuer,
    valid_from: isoSeconds(details.validFrom),
    valid_to: isoSeconds(details.validTo),
    fingerprint_sha256: details.fingerprintSha256,
  };
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { ANY_IP, BooleanField, EnumField, IntField, IpRangesField, NestedField, StringField } from '@castellan/core';
import { TWO_FACTOR_POLICIES } from '../account-security.entity.js';
import type { TwoFactorPolicy } from '../account-security.entity.js';

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The browser is sent to the single sign-on URL with a SAML request: plain HTTP would expose it. */
function HttpsUrlField(opts: { maxLength: number; description: string; example: string }) {
  return applyDecorators(
    StringField(opts),
    ValidateBy({ name: 'httpsUrl', validator: { validate: isHttpsUrl, defaultMessage: () => '$property must be an https URL' } }),
  );
}

/** Ten years: longer is no cap at all. */
export const MAX_KEY_LIFETIME_DAYS = 3650;

export class SamlSettingsInputDto {
  @BooleanField({ description: 'Enabling needs idp_entity_id, sso_url and x509_certificate, given now or stored before' })
  enabled?: boolean;

  @StringField({ maxLength: 1000, description: "The identity provider's entity id", example: 'https://idp.example.com/metadata' })
  idp_entity_id?: string;

  @HttpsUrlField({
    maxLength: 2000,
    description: "The identity provider's single sign-on URL (https)",
    example: 'https://idp.example.com/sso',
  })
  sso_url?: string;

  @StringField({
    maxLength: 16384,
    description: "The identity provider's signing certificate, PEM. Stored, never returned: reads show its details",
    example: '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----',
  })
  x509_certificate?: string;
}

/** A partial update: fields not given keep their value. */
export class UpdateSecurityDto {
  @EnumField(TWO_FACTOR_POLICIES, { description: 'Whether users must use two-factor authentication' })
  two_factor?: TwoFactorPolicy;

  @NestedField(() => SamlSettingsInputDto)
  saml?: SamlSettingsInputDto;

  @BooleanField({ description: 'Users must sign in through SAML; needs SAML enabled' })
  sso_required?: boolean;

  @IpRangesField({
    description:
      `Addresses and CIDR ranges every key of the account may be used from, on top of each key's own list; ` +
      `"${ANY_IP}" or [] removes the list. Must include the address of the request that sets it (409 otherwise)`,
  })
  allowed_ips?: string[] | typeof ANY_IP;

  @IntField({ min: 0, max: MAX_KEY_LIFETIME_DAYS, description: 'The longest lifetime of a new key, in days; 0 removes the cap' })
  key_max_lifetime_days?: number;
}

export class CertificateDetailsDto {
  @ApiProperty({ example: 'CN=idp.example.com' })
  subject!: string;

  @ApiProperty({ example: 'CN=idp.example.com' })
  issuer!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00Z' })
  valid_from!: string;

  @ApiProperty({ example: '2027-01-01T00:00:00Z' })
  valid_to!: string;

  @ApiProperty({ example: 'D4:B6:0D:A0:…:0D:AE' })
  fingerprint_sha256!: string;
}

export class SamlSettingsDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true })
  idp_entity_id!: string | null;

  @ApiProperty({ type: String, nullable: true })
  sso_url!: string | null;

  @ApiProperty({ type: CertificateDetailsDto, nullable: true, description: 'The stored certificate, described; the PEM is never returned' })
  certificate!: CertificateDetailsDto | null;
}

export class SecurityDto {
  @ApiProperty({ enum: TWO_FACTOR_POLICIES })
  two_factor!: TwoFactorPolicy;

  @ApiProperty({ type: SamlSettingsDto })
  saml!: SamlSettingsDto;

  @ApiProperty()
  sso_required!: boolean;

  @ApiProperty({ type: [String], nullable: true, description: "Where the account's keys may be used from; null: anywhere" })
  allowed_ips!: string[] | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The longest lifetime of a new key, in days; null: no cap' })
  key_max_lifetime_days!: number | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-11-22T08:00:16Z', description: 'null until the settings are first changed' })
  updated_at!: string | null;
}

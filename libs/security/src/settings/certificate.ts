import { X509Certificate } from 'node:crypto';
import { AppError, isoSeconds } from '@castellan/core';

/** What the API shows of an identity provider's certificate: never the PEM itself. */
export interface CertificateDetails {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  /** Colon-separated upper-case hex, the form IdP consoles display. */
  fingerprintSha256: string;
}

export interface ParsedCertificate {
  /** The certificate re-encoded as PEM, without surrounding text: what is stored. */
  pem: string;
  details: CertificateDetails;
}

const FIELD = 'saml.x509_certificate';
const PEM_HEADER = '-----BEGIN CERTIFICATE-----';

/** Node prints a distinguished name one attribute per line. */
const distinguishedName = (name: string): string => name.split('\n').filter(Boolean).join(', ');

/**
 * Parses one PEM certificate with Node's X509Certificate (OpenSSL). Anything else (DER, keys, a bundle, where
 * OpenSSL would pick one of several) is refused with a 400.
 */
export function parseCertificate(input: string): ParsedCertificate {
  const invalid = () => AppError.invalid(`${FIELD} is not a valid PEM certificate`, FIELD);
  const text = input.trim();
  if (!text.startsWith(PEM_HEADER)) throw invalid();
  const count = text.split(PEM_HEADER).length - 1;
  if (count > 1) throw AppError.invalid(`${FIELD} must hold one certificate, not ${count}`, FIELD);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(text);
  } catch {
    throw invalid();
  }
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validTo.getTime())) throw invalid();
  return {
    pem: certificate.toString(),
    details: {
      subject: distinguishedName(certificate.subject),
      issuer: distinguishedName(certificate.issuer),
      validFrom,
      validTo,
      fingerprintSha256: certificate.fingerprint256,
    },
  };
}

/** A certificate an identity provider signs with must be valid now. */
export function requireCurrentlyValid(details: CertificateDetails, now: Date): void {
  if (details.validTo.getTime() < now.getTime()) throw AppError.invalid(`${FIELD} expired on ${isoSeconds(details.validTo)}`, FIELD);
  if (details.validFrom.getTime() > now.getTime())
    throw AppError.invalid(`${FIELD} is not valid before ${isoSeconds(details.validFrom)}`, FIELD);
}

import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { AppError, ErrorCode } from '@castellan/core';
import { makeCertificate, makeExpiredCertificate, makeFutureCertificate, makeValidCertificate } from '../testing/certificates.fixture.js';
import { parseCertificate, requireCurrentlyValid } from './certificate.js';

// Certificates are made now, with the openssl command line, so none of them ages out of the suite.

const invalid = (message: string | RegExp) =>
  expect.objectContaining({ code: ErrorCode.InvalidInput, message: expect.stringMatching(message) });

function thrown(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
}

const valid = makeValidCertificate();
const expired = makeExpiredCertificate();
const future = makeFutureCertificate();

describe('parseCertificate', () => {
  test('reads a PEM certificate made by openssl req -x509 -days 1', () => {
    const { pem, details } = parseCertificate(valid);
    const der = new X509Certificate(valid).raw;
    expect(details).toEqual({
      subject: 'CN=idp.example',
      issuer: 'CN=idp.example',
      validFrom: expect.any(Date),
      validTo: expect.any(Date),
      fingerprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':'),
    });
    expect(details.validTo.getTime() - details.validFrom.getTime()).toBe(86_400_000);
    expect(Math.abs(details.validFrom.getTime() - Date.now())).toBeLessThan(60_000);
    expect(pem.trim()).toBe(valid.trim());
  });

  test('joins a multi-attribute subject with commas', () => {
    const pem = makeValidCertificate('/O=Acme/CN=idp.acme.example');
    expect(parseCertificate(pem).details.subject).toBe('O=Acme, CN=idp.acme.example');
  });

  test('accepts surrounding whitespace', () => {
    expect(parseCertificate(`\n  ${valid}\n\n`).pem.trim()).toBe(valid.trim());
  });

  test('refuses a bundle: which certificate signs would be a guess', () => {
    expect(thrown(() => parseCertificate(`${valid}\n${expired}`))).toEqual(
      invalid(/^saml\.x509_certificate must hold one certificate, not 2$/),
    );
  });

  test('dates a certificate made by openssl ca with chosen dates exactly', () => {
    const pem = makeCertificate('/CN=dated.example', new Date('2030-05-01T12:00:00Z'), new Date('2031-05-01T12:00:00Z'));
    expect(parseCertificate(pem).details).toMatchObject({
      validFrom: new Date('2030-05-01T12:00:00Z'),
      validTo: new Date('2031-05-01T12:00:00Z'),
    });
  });

  test.each([
    ['an empty string', ''],
    ['plain text', 'not a certificate'],
    ['a PEM header with garbage', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'],
    ['a truncated certificate', valid.slice(0, 300) + '\n-----END CERTIFICATE-----'],
    ['base64 DER without the PEM armour', new X509Certificate(valid).raw.toString('base64')],
  ])('refuses %s as not a valid PEM certificate', (_, text) => {
    expect(thrown(() => parseCertificate(text))).toEqual(invalid(/^saml\.x509_certificate is not a valid PEM certificate$/));
  });

  test('refuses a private key', () => {
    const key = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' });
    expect(thrown(() => parseCertificate(key))).toEqual(invalid(/not a valid PEM certificate/));
  });
});

describe('requireCurrentlyValid', () => {
  test('accepts a certificate valid now', () => {
    expect(() => requireCurrentlyValid(parseCertificate(valid).details, new Date())).not.toThrow();
  });

  test('refuses an expired certificate, naming the day it expired', () => {
    const { details } = parseCertificate(expired);
    expect(details.validTo.toISOString()).toBe('2020-01-02T00:00:00.000Z');
    expect(thrown(() => requireCurrentlyValid(details, new Date()))).toEqual(
      invalid('saml.x509_certificate expired on 2020-01-02T00:00:00Z'),
    );
  });

  test('refuses a certificate not valid yet', () => {
    const { details } = parseCertificate(future);
    expect(thrown(() => requireCurrentlyValid(details, new Date()))).toEqual(invalid(/^saml\.x509_certificate is not valid before \d{4}-/));
  });

  test('the bounds are inclusive', () => {
    const { details } = parseCertificate(expired);
    expect(() => requireCurrentlyValid(details, details.validFrom)).not.toThrow();
    expect(() => requireCurrentlyValid(details, details.validTo)).not.toThrow();
    expect(() => requireCurrentlyValid(details, new Date(details.validTo.getTime() + 1000))).toThrow(AppError);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test certificates made at test time with the openssl command line (OpenSSL 3.0 or later). `openssl req
// -x509` takes only a positive -days, so certificates with chosen dates (expired, not yet valid) are signed
// by `openssl ca -selfsign`, which takes -startdate and -enddate on every OpenSSL 3 release.

const CA_CONFIG = `
[ ca ]
default_ca = self
[ self ]
database = ./index.txt
new_certs_dir = .
serial = ./serial
default_md = sha256
policy = any
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
`;

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** openssl's date form: YYYYMMDDHHMMSSZ. */
const opensslDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

/** A self-signed PEM certificate for `subject` (e.g. /CN=idp.example), valid from `notBefore` to `notAfter`. */
export function makeCertificate(subject: string, notBefore: Date, notAfter: Date): string {
  const dir = mkdtempSync(join(tmpdir(), 'castellan-cert-'));
  try {
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', 'key.pem', '-out', 'req.csr']);
    openssl(dir, [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'req.csr',
      '-out',
      'cert.pem',
      '-startdate',
      opensslDate(notBefore),
      '-enddate',
      opensslDate(notAfter),
      '-create_serial',
      '-notext',
    ]);
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plain way, as an IdP admin would make one: `openssl req -x509 -days 1`. */
export function makeValidCertificate(subject = '/CN=idp.example'): string {
  const dir = mkdtempSync(join(tmpdir(), 'castellan-cert-'));
  try {
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      subject,
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
    ]);
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const makeExpiredCertificate = (): string =>
  makeCertificate('/CN=old.idp.example', new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z'));

export const makeFutureCertificate = (): string =>
  makeCertificate('/CN=next.idp.example', new Date(Date.now() + 365 * 86_400_000), new Date(Date.now() + 730 * 86_400_000));

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import samlify from 'samlify';

// An identity provider in the test process, built on samlify: it signs login responses for the suites (valid ones, and
// the broken ones an attacker or a misconfigured IdP would send), and answers its single sign-on URL over https, so that
// a real browser can go from Castellan's login redirect through the IdP's auto-submitting form to Castellan's ACS.

// samlify refuses to parse anything until a schema validator is set. The XSD validator it recommends
// (@authenio/samlify-xsd-schema-validator) is not installed, and this IdP only parses the AuthnRequests of the server under
// test, which its own tests check: TEST ONLY, every document passes.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped: test identity provider') });

export const EMAIL_NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const PERSISTENT_NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** A key and its self-signed certificate, PEM. */
export interface KeyPair {
  key: string;
  cert: string;
}

/** A fresh RSA key with a certificate valid for a day, made with the openssl command line as the IdP fixtures are. */
export function selfSigned(subject: string, altNames?: string): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'castellan-idp-'));
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', subject, '-keyout', 'key.pem', '-out', 'cert.pem'],
        ...(altNames ? ['-addext', `subjectAltName=${altNames}`] : []),
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which parts of a response carry a signature; `none` is what an attacker without the key can send. */
export type Signing = 'response' | 'assertion' | 'both' | 'none';

/** What a login response says: each field defaults to what a correct IdP sends for `nameId`. */
export interface LoginResponseOptions {
  spEntityId: string;
  acsUrl: string;
  /** The subject's NameID; with the default format an email address. */
  nameId: string;
  nameIdFormat?: string;
  /** Attributes, each with one value. */
  attributes?: Record<string, string>;
  /** Conditions' NotOnOrAfter and the bearer confirmation's; 5 minutes from now by default. */
  notOnOrAfter?: Date;
  /** Conditions' NotBefore; now by default. */
  notBefore?: Date;
  /** The Audience; the SP's entity id by default. */
  audience?: string;
  /** The Response's Destination; the ACS by default, none with null. */
  destination?: string | null;
  /** The bearer confirmation's Recipient; the ACS by default. */
  recipient?: string;
  /** The assertion's Issuer; the IdP's entity id by default. */
  issuer?: string;
  assertionId?: string;
  /** The AuthnRequest answered; none for an IdP-initiated sign-in. */
  inResponseTo?: string;
  statusCode?: string;
  /** Changes the XML before it is signed, for what no option says (an IdP that sends something odd, signed). */
  edit?: (xml: string) => string;
  signing?: Signing;
  /** Signed with another key than the IdP's certificate names: a forged response. */
  signedByStranger?: boolean;
}

export interface TrustedServiceProvider {
  entityId: string;
  acsUrl: string;
}

export interface TestSamlIdp {
  entityId: string;
  /** https://localhost:<port>/sso: the endpoint a browser is sent to. */
  ssoUrl: string;
  /** The IdP's signing certificate, PEM. */
  certificatePem: string;
  /** The TLS certificate the endpoint serves (self-signed, for localhost and 127.0.0.1), for clients that must trust it. */
  tlsCertificatePem: string;
  /** The body of PUT …/security that makes an account trust this IdP. */
  settings(): { enabled: true; idp_entity_id: string; sso_url: string; x509_certificate: string };
  /** A base64 SAMLResponse, as an IdP posts it to the ACS. */
  loginResponse(options: LoginResponseOptions): Promise<string>;
  /** Trusts a service provider described by its metadata XML (as Castellan serves it): its AuthnRequests are answered. */
  trust(metadataXml: string): TrustedServiceProvider;
  /** Who the endpoint signs in from now on (their email as NameID); null: the endpoint refuses everyone (403). */
  signInAs(email: string | null): void;
  /** The AuthnRequests the endpoint received, oldest first. */
  requests: Array<{ id: string; issuer: string; acsUrl: string | null; nameIdFormat: string | null; relayState: string | null }>;
  close(): Promise<void>;
}

/** A base64 SAMLResponse with its XML changed by `edit`, as an attacker between the IdP and the ACS would change it. */
export function tamper(response: string, edit: (xml: string) => string): string {
  return Buffer.from(edit(Buffer.from(response, 'base64').toString('utf8')), 'utf8').toString('base64');
}

/** The XML of a base64 SAMLResponse. */
export const responseXml = (response: string): string => Buffer.from(response, 'base64').toString('utf8');

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const newId = (): string => `_${randomUUID()}`;

// samlify's default login response, with an AuthnStatement and attributes as real IdPs send them. The {Tags} are filled
// in by samlify's replaceTagsByValue, which escapes each value and drops an attribute whose value is null.
const RESPONSE_TEMPLATE =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
  'ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>' +
  '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">' +
  '<saml:Issuer>{AssertionIssuer}</saml:Issuer>' +
  '<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>' +
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
  '<saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}" InResponseTo="{InResponseTo}"/>' +
  '</saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}">' +
  '<saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext>' +
  '<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>' +
  '</saml:AuthnContext></saml:AuthnStatement>{AttributeStatement}</saml:Assertion></samlp:Response>';

function attributeStatement(attributes: Record<string, string> = {}): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return '';
  const each = entries.map(
    ([name, value]) =>
      `<saml:Attribute Name="${escapeXml(name)}"><saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue></saml:Attribute>`,
  );
  return `<saml:AttributeStatement>${each.join('')}</saml:AttributeStatement>`;
}

/** The HTML page of the POST binding: a form the browser submits by itself to the ACS. */
function autoSubmittingForm(acsUrl: string, samlResponse: string, relayState: string | null): string {
  const relay = relayState === null ? '' : `<input type="hidden" name="RelayState" value="${escapeXml(relayState)}">`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head><body>' +
    `<form method="post" action="${escapeXml(acsUrl)}"><input type="hidden" name="SAMLResponse" value="${samlResponse}">${relay}` +
    '<noscript><button type="submit">Continue</button></noscript></form>' +
    '<script>document.forms[0].submit()</script></body></html>'
  );
}

/**
 * Starts an IdP with its own signing key, and its endpoint on a free port of 127.0.0.1, served over https (Castellan takes
 * only an https sso_url) with a self-signed certificate for localhost and 127.0.0.1: a browser must be told to accept it
 * (Playwright's ignoreHTTPSErrors). The endpoint answers GET /sso?SAMLRequest=… of a trusted SP with the POST binding's
 * page, signing in the person set by signInAs.
 */
export async function startSamlIdp(name = 'idp'): Promise<TestSamlIdp> {
  const signing = selfSigned(`/CN=${name}.test`);
  const tls = selfSigned('/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
  let stranger: KeyPair | undefined;
  const trusted = new Map<string, samlify.ServiceProviderInstance>();
  const requests: TestSamlIdp['requests'] = [];
  let person: string | null = null;

  const server: Server = createServer({ key: tls.key, cert: tls.cert });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  const entityId = `${origin}/${name}/metadata`;
  const ssoUrl = `${origin}/sso`;

  const identityProvider = (key: KeyPair) =>
    samlify.IdentityProvider({
      entityID: entityId,
      privateKey: key.key,
      signingCert: key.cert,
      nameIDFormat: [EMAIL_NAME_ID_FORMAT],
      singleSignOnService: [{ Binding: BINDING_REDIRECT, Location: ssoUrl }],
      singleLogoutService: [{ Binding: BINDING_REDIRECT, Location: `${origin}/slo` }],
    });
  const idp = identityProvider(signing);

  async function loginResponse(options: LoginResponseOptions): Promise<string> {
    const now = new Date();
    const notOnOrAfter = options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const rendered = samlify.SamlLib.replaceTagsByValue(RESPONSE_TEMPLATE, {
      ID: newId(),
      AssertionID: options.assertionId ?? newId(),
      IssueInstant: now.toISOString(),
      Destination: options.destination === undefined ? options.acsUrl : options.destination,
      InResponseTo: options.inResponseTo ?? null,
      Issuer: entityId,
      AssertionIssuer: options.issuer ?? entityId,
      StatusCode: options.statusCode ?? SUCCESS,
      NameIDFormat: options.nameIdFormat ?? EMAIL_NAME_ID_FORMAT,
      NameID: options.nameId,
      NotOnOrAfter: notOnOrAfter.toISOString(),
      NotBefore: (options.notBefore ?? now).toISOString(),
      Recipient: options.recipient ?? options.acsUrl,
      Audience: options.audience ?? options.spEntityId,
    }).replace('{AttributeStatement}', attributeStatement(options.attributes));
    const xml = options.edit ? options.edit(rendered) : rendered;
    const signing = options.signing ?? 'both';
    if (signing === 'none') return Buffer.from(xml, 'utf8').toString('base64');
    // samlify signs the assertion when the SP wants it, and the response when the SP wants that or not the assertion.
    const sp = samlify.ServiceProvider({
      entityID: options.spEntityId,
      assertionConsumerService: [{ Binding: BINDING_POST, Location: options.acsUrl }],
      wantAssertionsSigned: signing !== 'response',
      wantMessageSigned: signing !== 'assertion',
    });
    const signer = options.signedByStranger ? identityProvider((stranger ??= selfSigned(`/CN=${name}.test`))) : idp;
    const { context } = await signer.createLoginResponse(
      sp,
      { extract: {} },
      'post',
      {},
      { customTagReplacement: () => ({ id: '', context: xml }) },
    );
    return context;
  }

  async function answer(url: URL): Promise<{ status: number; type: string; body: string }> {
    const query = Object.fromEntries(url.searchParams);
    if (url.pathname !== '/sso' || !query['SAMLRequest']) return { status: 404, type: 'text/plain', body: 'Not found' };
    // samlify reads the request the same way whichever SP it is given: the issuer says which SP sent it.
    const [anySp] = trusted.values();
    if (!anySp) return { status: 400, type: 'text/plain', body: 'No service provider is trusted' };
    const { extract } = await idp.parseLoginRequest(anySp, 'redirect', { query });
    const issuer = String(extract.issuer ?? '');
    const request = (extract.request ?? {}) as Record<string, string | undefined>;
    const relayState = query['RelayState'] ?? null;
    const policy = (extract.nameIDPolicy ?? {}) as Record<string, string | undefined>;
    requests.push({
      id: String(request['id'] ?? ''),
      issuer,
      acsUrl: request['assertionConsumerServiceUrl'] ?? null,
      nameIdFormat: policy['format'] ?? null,
      relayState,
    });
    const sp = trusted.get(issuer);
    if (!sp) return { status: 400, type: 'text/plain', body: 'Unknown service provider' };
    if (person === null) return { status: 403, type: 'text/plain', body: 'Nobody may sign in here' };
    // The ACS comes from the SP's metadata, never from the request: an IdP that posted wherever a request says would
    // hand its assertions to anyone.
    const acsUrl = sp.entityMeta.getAssertionConsumerService('post') as string;
    const samlResponse = await loginResponse({ spEntityId: issuer, acsUrl, nameId: person, inResponseTo: String(request['id'] ?? '') });
    return { status: 200, type: 'text/html; charset=utf-8', body: autoSubmittingForm(acsUrl, samlResponse, relayState) };
  }

  server.on('request', (req, res) => {
    answer(new URL(req.url ?? '/', origin)).then(
      ({ status, type, body }) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
      (error: Error) => res.writeHead(400, { 'content-type': 'text/plain' }).end(`Bad SAML request: ${error.message}`),
    );
  });

  return {
    entityId,
    ssoUrl,
    certificatePem: signing.cert,
    tlsCertificatePem: tls.cert,
    settings: () => ({ enabled: true, idp_entity_id: entityId, sso_url: ssoUrl, x509_certificate: signing.cert }),
    loginResponse,
    trust(metadataXml) {
      const sp = samlify.ServiceProvider({ metadata: metadataXml });
      const entity = { entityId: sp.entityMeta.getEntityID(), acsUrl: sp.entityMeta.getAssertionConsumerService('post') as string };
      trusted.set(entity.entityId, sp);
      return entity;
    },
    signInAs(email) {
      person = email;
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

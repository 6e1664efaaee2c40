import { SamlStatusError } from '@node-saml/node-saml';
import type { Profile } from '@node-saml/node-saml';
// node-saml's own parser (xmldom, refusing anything it would warn about), so that the response's root is read exactly as
// node-saml reads it. The package is pinned; its lib/ has no exports map to forbid this path.
import { parseDomFromString } from '@node-saml/node-saml/lib/xml.js';
import { CLOCK_SKEW_MS, EMAIL_NAME_ID_FORMAT, ServiceProvider } from './service-provider.js';

const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/**
 * Where an email may come from when the NameID is not in emailAddress format, first match wins: the attribute named
 * `email`, then the two names IdPs commonly give the mail attribute (LDAP's OID, and the claim URI of Azure and ADFS).
 */
export const EMAIL_ATTRIBUTES = [
  'email',
  'urn:oid:0.9.2342.19200300.100.1.3',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];

/**
 * Why a SAML response is refused: the audit log's reason, the status, and what the answer says. The words never quote
 * the response (an attacker's text would be echoed, and a real one names a person).
 */
export const SAML_REFUSALS = {
  MALFORMED: [400, 'SAMLResponse is not a SAML response'],
  SIGNATURE: [401, "The SAML response is not signed with the certificate of this account's identity provider"],
  ENCRYPTED: [401, 'The SAML assertion is encrypted, which is not supported: turn assertion encryption off at the identity provider'],
  IDP_ERROR: [401, 'The identity provider did not sign the person in'],
  ISSUER: [401, "The SAML assertion is not issued by this account's identity provider"],
  AUDIENCE: [401, 'The SAML assertion is meant for another service provider (its audience)'],
  DESTINATION: [401, "The SAML response is meant for another address than this account's ACS (its destination)"],
  RECIPIENT: [401, "The SAML assertion is meant for another address than this account's ACS (its recipient)"],
  EXPIRED: [401, 'The SAML assertion has expired'],
  NOT_YET_VALID: [401, 'The SAML assertion is not valid yet'],
  INCOMPLETE: [401, 'The SAML assertion lacks an ID, a bearer subject confirmation, or valid NotOnOrAfter dates'],
  INVALID: [401, 'The SAML response is not valid'],
  REPLAY: [401, 'This SAML assertion was used already'],
  NO_EMAIL: [403, 'The SAML assertion names no email address: send the NameID in emailAddress format, or an email attribute'],
  UNKNOWN_USER: [403, 'The identity provider signed in someone who is not an enabled user of this account'],
  USER_DISABLED: [403, 'The identity provider signed in someone who is not an enabled user of this account'],
} as const satisfies Record<string, readonly [400 | 401 | 403, string]>;

export type SamlRefusalReason = keyof typeof SAML_REFUSALS;

export class SamlRefusal extends Error {
  constructor(readonly reason: SamlRefusalReason) {
    super(SAML_REFUSALS[reason][1]);
  }
}

/** What a response proved, read from the signed bytes only. */
export interface VerifiedAssertion {
  /** The assertion's ID, which the replay table takes once. */
  id: string;
  /** Whom the IdP signed in, or null when it did not say by email. */
  email: string | null;
  /** Until when the assertion could be accepted (its earliest NotOnOrAfter, plus the clock skew): its replay row's life. */
  acceptableUntil: Date;
}

/** What is read of the response's root, as xmldom gives it. */
interface DomElement {
  localName: string;
  namespaceURI: string | null;
  childNodes: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
}

const protocolChild = (element: DomElement | undefined, name: string): DomElement | undefined =>
  element && Array.from(element.childNodes).find((node) => node.localName === name && node.namespaceURI === PROTOCOL_NS);

/** The top-level status code of the response: Status/StatusCode/@Value. */
const statusOf = (root: DomElement): string | null | undefined =>
  protocolChild(protocolChild(root, 'Status'), 'StatusCode')?.getAttribute('Value');

/** An element as node-saml's xml2js reading of the signed assertion gives it: attributes under $, text under _. */
interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: XmlNode[] | Record<string, string> | string | undefined;
}

const children = (node: XmlNode | undefined, name: string): XmlNode[] => {
  const value = node?.[name];
  return Array.isArray(value) ? value : [];
};
const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => children(node, name)[0];
const attribute = (node: XmlNode | undefined, name: string): string | undefined => node?.$?.[name];

/** node-saml's refusals are plain Errors: their words say which check failed. */
function reasonOf(error: unknown): SamlRefusalReason {
  if (error instanceof SamlStatusError) return 'IDP_ERROR';
  const message = error instanceof Error ? error.message : '';
  if (/decrypt/i.test(message)) return 'ENCRYPTED';
  // A part it expected is missing (no Conditions at all): its message names no check.
  if (error instanceof TypeError) return 'INVALID';
  if (/^Error parsing/.test(message)) return 'INCOMPLETE';
  if (/not yet valid/i.test(message)) return 'NOT_YET_VALID';
  if (/expired/i.test(message)) return 'EXPIRED';
  if (/audience/i.test(message)) return 'AUDIENCE';
  if (/signature|signed data|missing saml assertion/i.test(message)) return 'SIGNATURE';
  return 'INVALID';
}

const timestamp = (value: string | undefined): number | null => {
  const ms = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
};

/**
 * Checks a base64 SAMLResponse posted to the account's ACS and answers what it proves, or throws a SamlRefusal.
 * node-saml checks the signature (at least one, by the stored certificate, covering the assertion), the conditions'
 * time window and the audience. It checks neither the response's Destination nor, without InResponseTo tracking, the
 * bearer confirmation, nor the issuer: those are checked here, on the signed assertion node-saml returns.
 */
export async function verifySamlResponse(sp: ServiceProvider, samlResponse: string, now = Date.now()): Promise<VerifiedAssertion> {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  let root: DomElement;
  try {
    root = (await parseDomFromString(xml)).documentElement;
  } catch {
    throw new SamlRefusal('MALFORMED');
  }
  if (root?.localName !== 'Response' || root.namespaceURI !== PROTOCOL_NS) throw new SamlRefusal('MALFORMED');

  let profile: Profile | null;
  try {
    ({ profile } = await sp.saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (error) {
    throw new SamlRefusal(reasonOf(error));
  }
  // node-saml reads the status only of a response without an assertion.
  if (!profile?.getAssertion || statusOf(root) !== SUCCESS) throw new SamlRefusal('IDP_ERROR');

  // Bindings §3.5.5.2: a signed response must name where it was sent. Unsigned (only the assertion signed) it proves
  // little, and the recipient below is what binds the assertion; it must be right all the same.
  if (root.getAttribute('Destination') !== sp.acsUrl) throw new SamlRefusal('DESTINATION');

  const assertion = (profile.getAssertion() as { Assertion?: XmlNode }).Assertion;
  const id = attribute(assertion, 'ID');
  if (!id) throw new SamlRefusal('INCOMPLETE');
  if (child(assertion, 'Issuer')?._?.trim() !== sp.idp.idpEntityId) throw new SamlRefusal('ISSUER');

  // Profiles §4.1.4.2: a bearer confirmation with the ACS as Recipient and a NotOnOrAfter.
  const confirmations = children(child(assertion, 'Subject'), 'SubjectConfirmation')
    .filter((c) => attribute(c, 'Method') === BEARER)
    .map((c) => child(c, 'SubjectConfirmationData'));
  if (confirmations.length === 0) throw new SamlRefusal('INCOMPLETE');
  const forUs = confirmations.filter((data) => attribute(data, 'Recipient') === sp.acsUrl);
  if (forUs.length === 0) throw new SamlRefusal('RECIPIENT');
  const ends = forUs.map((data) => timestamp(attribute(data, 'NotOnOrAfter'))).filter((ms): ms is number => ms !== null);
  if (ends.length === 0) throw new SamlRefusal('INCOMPLETE');
  const confirmedUntil = Math.max(...ends);
  if (now - CLOCK_SKEW_MS >= confirmedUntil) throw new SamlRefusal('EXPIRED');

  const conditionsUntil = timestamp(attribute(child(assertion, 'Conditions'), 'NotOnOrAfter'));
  const until = Math.min(confirmedUntil, conditionsUntil ?? Infinity);
  return { id, email: emailOf(profile), acceptableUntil: new Date(until + CLOCK_SKEW_MS) };
}

/** The NameID when its format says it is an email address, else the first email attribute with one value. */
function emailOf(profile: Profile): string | null {
  if (profile.nameIDFormat === EMAIL_NAME_ID_FORMAT && profile.nameID?.trim()) return profile.nameID.trim();
  const attributes = (profile['attributes'] ?? {}) as Record<string, unknown>;
  for (const name of EMAIL_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
}

import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { SignInPolicy } from '@castellan/security';

/** The identity provider an account trusts, as its security settings hold it while SAML is enabled. */
export type TrustedIdentityProvider = NonNullable<SignInPolicy['saml']>;

export const EMAIL_NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/**
 * How far the IdP's clock may be from ours. A minute covers servers kept by NTP; more would stretch every assertion's
 * lifetime, and so how long a stolen one works, by as much.
 */
export const CLOCK_SKEW_MS = 60_000;

/**
 * Castellan as a SAML service provider for one account. The account is in every address, so that an assertion's
 * audience (the SP's entity id) and recipient (its ACS) name the account it signs in to: an IdP trusted by one account
 * can never sign anyone in to another.
 */
export class ServiceProvider {
  readonly entityId: string;
  readonly acsUrl: string;
  readonly saml: SAML;

  constructor(
    publicUrl: string,
    accountId: string,
    readonly idp: TrustedIdentityProvider,
  ) {
    const base = `${publicUrl}/v1_1/sso/${encodeURIComponent(accountId)}/saml`;
    this.entityId = `${base}/metadata`;
    this.acsUrl = `${base}/acs`;
    this.saml = new SAML({
      issuer: this.entityId,
      audience: this.entityId,
      callbackUrl: this.acsUrl,
      entryPoint: idp.ssoUrl,
      idpCert: idp.certificatePem,
      identifierFormat: EMAIL_NAME_ID_FORMAT,
      // Either signature will do, so that IdPs that sign only the response (Keycloak's default) and those that sign only
      // the assertion (Azure's, ADFS's) both work; node-saml still refuses a response in which no signature by the
      // certificate covers the assertion, and reads the assertion from the signed bytes only.
      wantAuthnResponseSigned: false,
      wantAssertionsSigned: false,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      // IdP-initiated sign-in (a tile in the IdP's portal) has no request to answer, and a request id kept in this
      // process would be unknown to the other instances. What binds a response instead: the audience and recipient
      // (this account), its short validity, and the saml_assertions table, which takes each assertion once.
      validateInResponseTo: ValidateInResponseTo.never,
      // The IdP decides how people authenticate, second factors included: asking for a password context would refuse
      // stronger methods at IdPs that honour it.
      disableRequestedAuthnContext: true,
    });
  }

  /** The SP metadata an IdP admin imports: entity id, ACS (HTTP-POST) and NameID format. */
  metadata(): string {
    return this.saml.generateServiceProviderMetadata(null, null);
  }

  /** Where the browser goes to sign in: the IdP's SSO URL with a deflated AuthnRequest (HTTP-Redirect binding). */
  loginUrl(): Promise<string> {
    return this.saml.getAuthorizeUrlAsync('', undefined, {});
  }
}

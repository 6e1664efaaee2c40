import { startSamlIdp, PERSISTENT_NAME_ID_FORMAT, type LoginResponseOptions, type TestSamlIdp } from '../../../../test/support/saml-idp.js';
import { SamlRefusal, verifySamlResponse } from './saml-response.js';
import { CLOCK_SKEW_MS, ServiceProvider } from './service-provider.js';

// What the ACS makes of a response, on responses a real IdP (samlify) signed: the checks node-saml leaves to its caller
// (destination, issuer, bearer confirmation, status), the replay row's lifetime, and where the email comes from. The
// end-to-end suite (test/sign-in/saml.e2e-spec.ts) covers the rest through HTTP.

let idp: TestSamlIdp;
let sp: ServiceProvider;
beforeAll(async () => {
  idp = await startSamlIdp('unit-idp');
  sp = new ServiceProvider('https://castellan.example', 'account-1', {
    idpEntityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    certificatePem: idp.certificatePem,
  });
}, 30_000);
afterAll(() => idp.close());

const respond = (options: Partial<LoginResponseOptions> = {}) =>
  idp.loginResponse({ spEntityId: sp.entityId, acsUrl: sp.acsUrl, nameId: 'ada@example.com', ...options });

async function refusal(response: string): Promise<string> {
  try {
    await verifySamlResponse(sp, response);
  } catch (error) {
    if (error instanceof SamlRefusal) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** Sets the NotOnOrAfter of the bearer confirmation alone. */
const confirmationUntil = (date: Date | null) => (xml: string) =>
  xml.replace(/(<saml:SubjectConfirmationData) NotOnOrAfter="[^"]*"/, date ? `$1 NotOnOrAfter="${date.toISOString()}"` : '$1');

describe('verifySamlResponse', () => {
  test("answers the assertion's ID, the email, and until when it could be accepted (its earliest expiry plus the skew)", async () => {
    const end = new Date(Date.now() + 120_000);
    const verified = await verifySamlResponse(sp, await respond({ assertionId: '_a1', notOnOrAfter: end }));
    expect(verified).toEqual({ id: '_a1', email: 'ada@example.com', acceptableUntil: new Date(end.getTime() + CLOCK_SKEW_MS) });
  });

  test("the confirmation's expiry counts alone when the conditions have no dates, and the earlier of the two otherwise", async () => {
    const soon = new Date(Date.now() + 60_000);
    const undatedConditions = (xml: string) => xml.replace(/<saml:Conditions [^>]*>/, '<saml:Conditions>');
    const undated = await verifySamlResponse(sp, await respond({ edit: undatedConditions }));
    expect(undated.acceptableUntil.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    const earlier = await verifySamlResponse(sp, await respond({ edit: confirmationUntil(soon) }));
    expect(earlier.acceptableUntil).toEqual(new Date(soon.getTime() + CLOCK_SKEW_MS));
  });

  test('an expired bearer confirmation is refused though the conditions still hold', async () => {
    expect(await refusal(await respond({ edit: confirmationUntil(new Date(Date.now() - 2 * CLOCK_SKEW_MS)) }))).toBe('EXPIRED');
  });

  test('a bearer confirmation is required, with an expiry; one of several for this ACS is enough', async () => {
    expect(await refusal(await respond({ edit: confirmationUntil(null) }))).toBe('INCOMPLETE');
    const dropConditionsEnd = (xml: string) => xml.replace(/(<saml:Conditions NotBefore="[^"]*") NotOnOrAfter="[^"]*"/, '$1');
    expect(await refusal(await respond({ edit: dropConditionsEnd }))).toBe('INCOMPLETE');
    const noConfirmationData = (xml: string) => xml.replace(/<saml:SubjectConfirmationData [^>]*\/>/, '');
    expect(await refusal(await respond({ edit: noConfirmationData }))).toBe('RECIPIENT');
    const holderOfKey = (xml: string) => xml.replace('cm:bearer', 'cm:holder-of-key');
    expect(await refusal(await respond({ edit: holderOfKey }))).toBe('INCOMPLETE');
    const twoConfirmations = (xml: string) => {
      const confirmation = /<saml:SubjectConfirmation [\s\S]*?<\/saml:SubjectConfirmation>/.exec(xml)![0];
      return xml.replace(confirmation, `${confirmation.replace(sp.acsUrl, 'https://elsewhere.test/acs')}${confirmation}`);
    };
    expect((await verifySamlResponse(sp, await respond({ edit: twoConfirmations }))).email).toBe('ada@example.com');
  });

  test('a response without its Destination, or with another, is refused even when signed by the IdP', async () => {
    expect(await refusal(await respond({ destination: null }))).toBe('DESTINATION');
    expect(await refusal(await respond({ destination: `${sp.acsUrl}/` }))).toBe('DESTINATION');
  });

  test('an assertion without conditions (so without an audience) is refused, not a crash', async () => {
    const noConditions = (xml: string) => xml.replace(/<saml:Conditions[\s\S]*<\/saml:Conditions>/, '');
    expect(await refusal(await respond({ edit: noConditions }))).toBe('INVALID');
  });

  test('an error status is refused even with a signed assertion', async () => {
    expect(await refusal(await respond({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }))).toBe('IDP_ERROR');
  });

  test('an encrypted assertion is refused with a reason of its own (no decryption key is configured)', async () => {
    const encrypted = (xml: string) =>
      xml.replace(
        /<saml:Assertion[\s\S]*<\/saml:Assertion>/,
        '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>',
      );
    expect(await refusal(await respond({ signing: 'response', edit: encrypted }))).toBe('ENCRYPTED');
  });

  test('a document that is no SAML protocol Response is malformed', async () => {
    const otherNamespace = (xml: string) => xml.replace(/urn:oasis:names:tc:SAML:2.0:protocol/g, 'urn:example:protocol');
    expect(await refusal(await respond({ edit: otherNamespace }))).toBe('MALFORMED');
    expect(await refusal(Buffer.from('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>').toString('base64'))).toBe(
      'MALFORMED',
    );
  });

  test('the email: the emailAddress NameID first, then the email attributes in order; one with several values is none', async () => {
    const email = async (options: Partial<LoginResponseOptions>) => (await verifySamlResponse(sp, await respond(options))).email;
    expect(await email({ attributes: { email: 'other@example.com' } })).toBe('ada@example.com');
    const opaque = { nameId: 'f81d4fae', nameIdFormat: PERSISTENT_NAME_ID_FORMAT };
    expect(await email({ ...opaque, attributes: { email: ' bob@example.com ' } })).toBe('bob@example.com');
    expect(
      await email({ ...opaque, attributes: { 'urn:oid:0.9.2342.19200300.100.1.3': 'carol@example.com', email: 'dan@example.com' } }),
    ).toBe('dan@example.com');
    expect(
      await email({ ...opaque, attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'erin@example.com' } }),
    ).toBe('erin@example.com');
    const twoValues = (xml: string) =>
      xml.replace(
        '<saml:AttributeValue>fay@example.com</saml:AttributeValue>',
        '<saml:AttributeValue>fay@example.com</saml:AttributeValue>'.repeat(2),
      );
    expect(await email({ ...opaque, attributes: { email: 'fay@example.com' }, edit: twoValues })).toBeNull();
    expect(await email(opaque)).toBeNull();
  });
});

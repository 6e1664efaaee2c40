import { Body, Controller, Get, Param, Post, Redirect, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiRefusals, bodyRefusals, Public } from '@castellan/core';
import { SessionService } from '../sessions/session.service.js';
import { RequestOrigin, SetCookie } from '../sessions/session-request.js';
import type { CookieWriter } from '../sessions/session-request.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { SamlSignInService, SIGNED_IN_STATUS } from './saml-sign-in.service.js';
import { SamlResponseFormDto } from './dto/saml.dto.js';

const METADATA_TYPE = 'application/samlmetadata+xml';
const NOT_ENABLED = 'SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist)';

/** How Nest's @Redirect takes the address (and status) a handler chooses. */
interface RedirectTo {
  url: string;
  statusCode: number;
}

/** SAML single sign-on into one account: Castellan is the service provider, the account's IdP signs people in. */
@ApiTags('Sign-in')
@Controller('v1_1/sso/:account_id/saml')
export class SamlController {
  constructor(
    private readonly saml: SamlSignInService,
    private readonly sessions: SessionService,
  ) {}

  @Get('metadata')
  @Public()
  @ApiOperation({
    summary: "An account's SAML service provider metadata",
    description:
      "The XML an IdP admin imports to trust Castellan for this account: the SP's entity id (this URL), its assertion " +
      'consumer service (…/saml/acs, HTTP-POST) and the emailAddress NameID format it asks for.',
  })
  @ApiProduces(METADATA_TYPE)
  @ApiRefusals({ 404: NOT_ENABLED })
  @ApiOkResponse({ description: 'An md:EntityDescriptor', content: { [METADATA_TYPE]: { schema: { type: 'string' } } } })
  async metadata(@Param('account_id') accountId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const xml = await this.saml.metadata(accountId);
    // Set only now: an error answer is JSON.
    void reply.type(METADATA_TYPE);
    return xml;
  }

  @Get('login')
  @Public()
  @Redirect()
  @ApiOperation({
    summary: 'Start a SAML sign-in',
    description: "Sends the browser to the account's IdP with an AuthnRequest (HTTP-Redirect binding). The console links here.",
  })
  @ApiRefusals({ 404: NOT_ENABLED })
  @ApiResponse({ status: 302, description: "To the IdP's single sign-on URL, with `SAMLRequest` in the query" })
  async login(@Param('account_id') accountId: string): Promise<RedirectTo> {
    return { url: await this.saml.loginUrl(accountId), statusCode: 302 };
  }

  @Post('acs')
  @Public()
  @Redirect()
  @ApiOperation({
    summary: 'Finish a SAML sign-in (assertion consumer service)',
    description:
      "Where the IdP's form posts the signed response (form-urlencoded `SAMLResponse`, `RelayState`). The response must be " +
      "signed with the account's IdP certificate (the response or the assertion), be from its entity id, for this account " +
      '(audience, destination, recipient), within its validity (a minute of clock skew), and not used before; its NameID in ' +
      'emailAddress format (else an `email` attribute) must be an enabled user of this account: nobody is created. The ' +
      'session is complete: the IdP is in charge of second factors. Sets the session cookie as POST /v1_1/sign-in does; needs no ' +
      'CSRF header, which no IdP form can send (the signed, single-use assertion is the proof).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiRefusals({
    ...bodyRefusals('SAMLResponse missing, not base64, over 256 KiB, or not a SAML response'),
    401:
      'The response is not signed by the IdP certificate, is from another issuer, for another SP or address, expired or not yet ' +
      'valid, or used before',
    403: 'The assertion names no email, or one that is no enabled user of this account',
    404: NOT_ENABLED,
    429: 'Too many refused sign-ins from this address; `Retry-After` says when to try again',
  })
  @ApiResponse({
    status: SIGNED_IN_STATUS,
    description: 'Signed in: to the console (/console/, or the RelayState when it is a path under /console/), with the cookie set',
  })
  async acs(
    @Param('account_id') accountId: string,
    @Body() form: SamlResponseFormDto,
    @RequestOrigin() origin: Origin,
    @SetCookie() setCookie: CookieWriter & { secure: boolean },
  ): Promise<RedirectTo> {
    const { opened, location } = await this.saml.signIn(accountId, form, origin);
    setCookie(this.sessions.cookie(opened.token, setCookie.secure));
    return { url: location, statusCode: SIGNED_IN_STATUS };
  }
}

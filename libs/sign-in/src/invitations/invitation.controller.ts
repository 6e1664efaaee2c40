import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiRefusals,
  Authenticated,
  bodyRefusals,
  CurrentPrincipal,
  OkMessageDto,
  ProvisioningController,
  Public,
  REFUSED,
} from '@castellan/core';
import type { Principal } from '@castellan/core';
import { SessionCookies } from '../sessions/session-cookies.js';
import { RequestOrigin, SetCookie } from '../sessions/session-request.js';
import type { CookieWriter } from '../sessions/session-request.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { SignInResultDto } from '../sessions/dto/sign-in.dto.js';
import { InvitationService } from './invitation.service.js';
import { AcceptInvitationDto, InvitationDto, InvitationSentDto, InvitationTokenDto } from './dto/invitation.dto.js';

const INVALID_LINK =
  'token missing, or a link that is not valid: used, revoked, replaced by a newer one, expired, or of a user who is disabled or ' +
  'no longer pending (one message for all)';
const THROTTLED = 'Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again';

/** A new user accepting the invitation mailed to them. */
@ApiTags('Sign-in')
@Controller('v1_1/invitations')
export class InvitationController {
  constructor(
    private readonly invitations: InvitationService,
    private readonly cookies: SessionCookies,
  ) {}

  @Post('inspect')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Read an invitation',
    description: 'Who the invitation link is for and where, for the console to show before the person chooses a password. Changes nothing.',
  })
  @ApiRefusals({ ...bodyRefusals(INVALID_LINK), 429: THROTTLED })
  @ApiOkResponse({ type: InvitationDto })
  inspect(@Body() body: InvitationTokenDto, @RequestOrigin() origin: Origin): Promise<InvitationDto> {
    return this.invitations.inspect(body.token, origin);
  }

  @Post('accept')
  @Public({ csrf: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation',
    description:
      'Sets the password, uses the link up (it works once) and signs the person in: the session cookie is set as by ' +
      'POST /v1_1/sign-in, with `status` `signed_in`, or `enrollment_required` when the account requires two-factor authentication.',
  })
  @ApiRefusals({
    ...bodyRefusals(`${INVALID_LINK}; or a password the policy refuses (too short or long, common, or holding the email or name)`),
    403: 'The account requires single sign-on, and the user is not a master admin',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: SignInResultDto })
  async accept(
    @Body() body: AcceptInvitationDto,
    @RequestOrigin() origin: Origin,
    @SetCookie() setCookie: CookieWriter,
  ): Promise<SignInResultDto> {
    return this.cookies.answer(await this.invitations.accept(body, origin), setCookie);
  }
}

/** A pending user's invitation, for admins. */
@ApiTags('Users')
@ProvisioningController('users/:user_id/invitation')
export class UserInvitationController {
  constructor(private readonly invitations: InvitationService) {}

  @Post()
  @Authenticated({ permission: 'provisioning:users.update' })
  @ApiOperation({
    summary: "Re-send a user's invitation",
    description: "Mails a new invitation link; the user's earlier link stops working.",
  })
  @ApiRefusals({
    403: REFUSED.beyondCaller,
    404: 'No user with this id in this account',
    409: 'The user is not pending (they accepted an invitation or set a password), or is disabled',
    429: 'Over 5 invitations to this user in 10 minutes; nothing is mailed, and `Retry-After` says when to try again',
    503: 'The mail server refused the invitation',
  })
  @ApiOkResponse({ type: InvitationSentDto })
  resend(@CurrentPrincipal() principal: Principal, @Param('user_id') userId: string): Promise<InvitationSentDto> {
    return this.invitations.resend(principal, userId);
  }

  @Delete()
  @Authenticated({ permission: 'provisioning:users.update' })
  @ApiOperation({
    summary: "Revoke a user's invitation",
    description: 'Its link stops working. The user stays, pending, until an invitation is re-sent. Answers `ok` when there was none too.',
  })
  @ApiRefusals({ 403: REFUSED.beyondCaller, 404: 'No user with this id in this account' })
  @ApiOkResponse({ type: OkMessageDto })
  revoke(@CurrentPrincipal() principal: Principal, @Param('user_id') userId: string): Promise<OkMessageDto> {
    return this.invitations.revoke(principal, userId);
  }
}

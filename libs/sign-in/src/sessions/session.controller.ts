import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiRefusals,
  Authenticated,
  bodyRefusals,
  CurrentPrincipal,
  OkMessageDto,
  OK,
  ProvisioningController,
  Public,
} from '@castellan/core';
import type { Principal } from '@castellan/core';
import { SessionCookies } from './session-cookies.js';
import { RequestOrigin, SessionToken, SetCookie } from './session-request.js';
import type { CookieWriter } from './session-request.js';
import { SignInService } from './sign-in.service.js';
import type { Origin } from './sign-in.service.js';
import { SessionService } from './session.service.js';
import { CurrentSessionDto, SignInDto, SignInResultDto } from './dto/sign-in.dto.js';
import { SessionListDto } from './dto/session.dto.js';

const THROTTLED = 'Too many failed sign-ins from this address or for this user; `Retry-After` says when to try again';

/** Signing in and out, and a person's own sessions. */
@ApiTags('Sign-in')
@Controller('v1_1')
export class SessionController {
  constructor(
    private readonly signIns: SignInService,
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
  ) {}

  @Post('sign-in')
  @Public({ csrf: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in as a person',
    description:
      'Checks the email and password and sets the session cookie (`castellan_session`: HttpOnly, SameSite=Strict, Path=/v1_1, ' +
      'Secure over https). Depending on `status`, the session acts as the user at once or waits for a second factor or an ' +
      'enrollment. A wrong email or password is one and the same 401.',
  })
  @ApiRefusals({
    ...bodyRefusals('email or password missing, or too long'),
    403: 'The account requires single sign-on, and the user is not a master admin (whose password is the break-glass path)',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: SignInResultDto })
  async signIn(@Body() body: SignInDto, @RequestOrigin() origin: Origin, @SetCookie() setCookie: CookieWriter): Promise<SignInResultDto> {
    return this.cookies.answer(await this.signIns.signIn(body, origin), setCookie);
  }

  @Post('sign-out')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign out',
    description: 'Ends the session the cookie names, if it is live, and clears the cookie: signing out twice is no error.',
  })
  @ApiOkResponse({ type: OkMessageDto })
  async signOut(
    @SessionToken() token: string,
    @RequestOrigin() origin: Origin,
    @SetCookie() setCookie: CookieWriter,
  ): Promise<OkMessageDto> {
    await this.signIns.signOut(token, origin);
    this.cookies.clear(setCookie);
    return OK;
  }

  @Get('session')
  @Public()
  @ApiOperation({
    summary: 'The current session',
    description: 'Who the session cookie signs in, and how far the sign-in got (`stage`). For the console, which cannot read its cookie.',
  })
  @ApiRefusals({ 401: 'No session cookie, or one that names no live session', 429: THROTTLED })
  @ApiOkResponse({ type: CurrentSessionDto })
  current(@SessionToken() token: string, @RequestOrigin() origin: Origin): Promise<CurrentSessionDto> {
    return this.signIns.current(token, origin);
  }

  @Get('me/sessions')
  @Authenticated({ person: true })
  @ApiOperation({ summary: 'List my sessions', description: "The signed-in person's live sessions, this one marked `current`." })
  @ApiOkResponse({ type: SessionListDto })
  mine(@CurrentPrincipal() principal: Principal): Promise<SessionListDto> {
    return this.sessions.listOfUser(principal.accountId, principal.userId!, principal.session!.id);
  }

  @Delete('me/sessions/:session_id')
  @Authenticated({ person: true })
  @ApiOperation({ summary: 'End one of my sessions', description: 'Ends it at once, on every instance; ending the current one signs out.' })
  @ApiRefusals({ 404: 'No session of mine with this id' })
  @ApiOkResponse({ type: OkMessageDto })
  async endMine(@CurrentPrincipal() principal: Principal, @Param('session_id') id: string): Promise<OkMessageDto> {
    await this.sessions.endOne(principal.accountId, principal.userId!, id);
    return OK;
  }
}

/** Another user's sessions, for master admins. */
@ApiTags('Users')
@ProvisioningController('users/:user_id/sessions')
export class UserSessionController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:user_sessions.read' })
  @ApiOperation({ summary: "List a user's console sessions", description: 'Answers `{sessions:[…]}`, live sessions only.' })
  @ApiRefusals({ 404: 'No user with this id in this account' })
  @ApiOkResponse({ type: SessionListDto })
  list(@CurrentPrincipal() principal: Principal, @Param('user_id') userId: string): Promise<SessionListDto> {
    return this.sessions.listOfUserChecked(principal, userId);
  }

  @Delete()
  @Authenticated({ permission: 'provisioning:user_sessions.delete' })
  @ApiOperation({ summary: "End all of a user's console sessions", description: 'Their next request is refused (401) on every instance.' })
  @ApiRefusals({ 403: 'The grant invariant: the user holds more than the caller', 404: 'No user with this id in this account' })
  @ApiOkResponse({ type: OkMessageDto })
  async endAll(@CurrentPrincipal() principal: Principal, @Param('user_id') userId: string): Promise<OkMessageDto> {
    await this.sessions.endOfUserChecked(principal, userId);
    return OK;
  }

  @Delete(':session_id')
  @Authenticated({ permission: 'provisioning:user_sessions.delete' })
  @ApiOperation({ summary: "End one of a user's console sessions" })
  @ApiRefusals({ 403: 'The grant invariant: the user holds more than the caller', 404: 'No such user, or no such session of theirs' })
  @ApiOkResponse({ type: OkMessageDto })
  async endOne(
    @CurrentPrincipal() principal: Principal,
    @Param('user_id') userId: string,
    @Param('session_id') id: string,
  ): Promise<OkMessageDto> {
    await this.sessions.endOfUserChecked(principal, userId, id);
    return OK;
  }
}

import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OK, OkMessageDto, Public } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { RequestOrigin, SessionToken } from '../sessions/session-request.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { SignInResultDto } from '../sessions/dto/sign-in.dto.js';
import { TwoFactorSignIn } from './two-factor-sign-in.service.js';
import { TwoFactorService } from './two-factor.service.js';
import type { UserRef } from './two-factor.service.js';
import { RecoveryCodesDto, TwoFactorCodeDto, TwoFactorEnrollmentDto, TwoFactorStatusDto } from './dto/two-factor.dto.js';

const WRONG_CODE = 'the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in)';
const THROTTLED = 'Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again';
const STAGE = (stage: string) =>
  `No session cookie, one that names no live session, or a session that is not at stage \`${stage}\` (GET /v1_1/session says where it is)`;

/** The sign-in stages a session may wait at after the password: a second factor, or the enrollment of one. */
@ApiTags('Sign-in')
@Controller('v1_1/sign-in')
export class TwoFactorSignInController {
  constructor(private readonly signIn: TwoFactorSignIn) {}

  @Post('second-factor')
  @Public({ csrf: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish signing in with a second factor',
    description:
      'For a session at stage `second_factor` (sign-in answered `second_factor_required`): a 6-digit code of the authenticator ' +
      'app, or one of the recovery codes, completes it. Each code works once.',
  })
  @ApiRefusals({
    ...bodyRefusals(`code missing or not shaped like a code, or ${WRONG_CODE}`),
    401: STAGE('second_factor'),
    409: 'The session is signed in already',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: SignInResultDto })
  secondFactor(@SessionToken() token: string, @Body() body: TwoFactorCodeDto, @RequestOrigin() origin: Origin): Promise<SignInResultDto> {
    return this.signIn.secondFactor(token, body.code, origin);
  }

  @Post('enrollment')
  @Public({ csrf: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Begin enrolling a second factor while signing in',
    description:
      'For a session at stage `enrollment` (the account requires two-factor authentication and the user has none): a new TOTP ' +
      'secret for an authenticator app, as text and as a QR code. Starting again replaces a secret not confirmed yet.',
  })
  @ApiRefusals({ 401: STAGE('enrollment'), 409: 'The session is signed in already, or the user enrolled meanwhile: sign in again' })
  @ApiOkResponse({ type: TwoFactorEnrollmentDto })
  startEnrollment(@SessionToken() token: string, @RequestOrigin() origin: Origin): Promise<TwoFactorEnrollmentDto> {
    return this.signIn.startEnrollment(token, origin);
  }

  @Post('enrollment/confirm')
  @Public({ csrf: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the second factor and finish signing in',
    description:
      'A 6-digit code of the secret the enrollment gave turns two-factor authentication on and completes the session. Answers ' +
      'the recovery codes, shown this once.',
  })
  @ApiRefusals({
    ...bodyRefusals(`code missing or not shaped like a code, ${WRONG_CODE}, or the enrollment was started again meanwhile`),
    401: STAGE('enrollment'),
    409: 'The session is signed in already, no enrollment was started, or the user enrolled meanwhile',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  confirmEnrollment(
    @SessionToken() token: string,
    @Body() body: TwoFactorCodeDto,
    @RequestOrigin() origin: Origin,
  ): Promise<RecoveryCodesDto> {
    return this.signIn.confirmEnrollment(token, body.code, origin);
  }
}

const me = (principal: Principal): UserRef => ({ accountId: principal.accountId, id: principal.userId! });

/** The signed-in person's own second factor. */
@ApiTags('My profile')
@Controller('v1_1/me')
export class MyTwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Get('two-factor')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'My two-factor authentication',
    description: 'Whether I have it, since when, my recovery codes left, and the policy.',
  })
  @ApiOkResponse({ type: TwoFactorStatusDto })
  status(@CurrentPrincipal() principal: Principal): Promise<TwoFactorStatusDto> {
    return this.twoFactor.status(me(principal));
  }

  @Post('two-factor')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'Begin enrolling two-factor authentication',
    description:
      'A new TOTP secret for an authenticator app, as text and as a QR code; nothing changes for signing in until a code of it ' +
      'is confirmed. Starting again replaces a secret not confirmed yet.',
  })
  @ApiRefusals({ 409: 'Two-factor authentication is already enabled: turn it off first' })
  @ApiOkResponse({ type: TwoFactorEnrollmentDto })
  start(@CurrentPrincipal() principal: Principal): Promise<TwoFactorEnrollmentDto> {
    return this.twoFactor.start(me(principal));
  }

  @Post('two-factor/confirm')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'Turn two-factor authentication on',
    description:
      'A 6-digit code of the secret just enrolled turns it on: every later sign-in asks for a code. Answers the recovery codes, ' +
      'shown this once.',
  })
  @ApiRefusals({
    ...bodyRefusals(`code missing or not shaped like a code, ${WRONG_CODE}, or the enrollment was started again meanwhile`),
    409: 'Two-factor authentication is already enabled, or no enrollment was started',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  confirm(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TwoFactorCodeDto,
    @RequestOrigin() origin: Origin,
  ): Promise<RecoveryCodesDto> {
    return this.twoFactor.confirm(me(principal), body.code, origin, principal.session!.id);
  }

  @Delete('two-factor')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'Turn two-factor authentication off',
    description: 'Proven by a current code of the app or a recovery code; the secret and the recovery codes are deleted.',
  })
  @ApiRefusals({
    ...bodyRefusals(`code missing or not shaped like a code, or ${WRONG_CODE}`),
    403: 'The account requires two-factor authentication',
    409: 'Two-factor authentication is not enabled',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: OkMessageDto })
  async disable(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TwoFactorCodeDto,
    @RequestOrigin() origin: Origin,
  ): Promise<OkMessageDto> {
    await this.twoFactor.disable(me(principal), body.code, origin);
    return OK;
  }

  @Post('recovery-codes')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'New recovery codes',
    description: 'Proven by a current code of the app or a recovery code: a new set of ten, shown this once; the old set stops working.',
  })
  @ApiRefusals({
    ...bodyRefusals(`code missing or not shaped like a code, or ${WRONG_CODE}`),
    409: 'Two-factor authentication is not enabled',
    429: THROTTLED,
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  regenerate(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TwoFactorCodeDto,
    @RequestOrigin() origin: Origin,
  ): Promise<RecoveryCodesDto> {
    return this.twoFactor.regenerate(me(principal), body.code, origin);
  }
}

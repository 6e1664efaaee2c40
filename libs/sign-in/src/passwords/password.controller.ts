import { Body, Controller, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OkMessageDto, Public } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { RequestOrigin } from '../sessions/session-request.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { PasswordService, RESET_REQUESTS_PER_ADDRESS } from './password.service.js';
import { ChangePasswordDto, PasswordResetConfirmDto, PasswordResetRequestDto } from './dto/password.dto.js';

const POLICY = 'a password the policy refuses (too short or long, common, or holding the email address or name)';

/** Resetting a forgotten password, and changing one's own. */
@ApiTags('Sign-in')
@Controller('v1_1')
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  @Post('password-reset')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask for a password reset link',
    description:
      'Mails a reset link to each enabled user with this email (in `account_id` only, when given). Answers `ok` whether or not ' +
      'there is one, so that nothing is learned of who has a user; a user is sent at most 5 links an hour, and further requests ' +
      'for them mail nothing, silently.',
  })
  @ApiRefusals({
    ...bodyRefusals('email missing, or too long'),
    429: `More than ${RESET_REQUESTS_PER_ADDRESS.points} requests from this address in an hour; \`Retry-After\` says when to try again`,
  })
  @ApiOkResponse({ type: OkMessageDto })
  requestReset(@Body() body: PasswordResetRequestDto, @RequestOrigin() origin: Origin): Promise<OkMessageDto> {
    return this.passwords.requestReset(body, origin);
  }

  @Post('password-reset/confirm')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a new password from a reset link',
    description: 'Sets the password, uses the link up (it works once) and ends every session of the user. Signs nobody in.',
  })
  @ApiRefusals({
    ...bodyRefusals(
      `token missing, a link that is not valid (used, replaced, expired, or of a disabled user: one message for all), or ${POLICY}`,
    ),
    429: 'Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again',
  })
  @ApiOkResponse({ type: OkMessageDto })
  confirmReset(@Body() body: PasswordResetConfirmDto, @RequestOrigin() origin: Origin): Promise<OkMessageDto> {
    return this.passwords.confirmReset(body, origin);
  }

  @Put('me/password')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'Change my password',
    description: 'Checks the current password and sets the new one. Every other session of mine ends; this one stays.',
  })
  @ApiRefusals({
    ...bodyRefusals(`a field missing, the current password wrong (path \`current_password\`), or ${POLICY} (path \`new_password\`)`),
    429: 'Too many wrong passwords for this user, here or at sign-in: they count together; `Retry-After` says when to try again',
  })
  @ApiOkResponse({ type: OkMessageDto })
  change(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @RequestOrigin() origin: Origin,
  ): Promise<OkMessageDto> {
    return this.passwords.change(principal, body, origin);
  }
}

import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { VerificationCodeSentDto } from '@castellan/security';
import { RequestOrigin } from '../sessions/session-request.js';
import type { Origin } from '../sessions/sign-in.service.js';
import { ProfileService } from './profile.service.js';
import { ProfileDto, UpdateProfileDto } from './dto/profile.dto.js';

/** The signed-in person's own profile. */
@ApiTags('My profile')
@Controller('v1_1/me')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @Get()
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'My profile',
    description: 'Who I am in this account, my console preferences (defaults until I change them) and my two-factor state.',
  })
  @ApiOkResponse({ type: ProfileDto })
  get(@CurrentPrincipal() principal: Principal): Promise<ProfileDto> {
    return this.profiles.get(principal);
  }

  @Put()
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'Change my profile',
    description:
      'Changes my name, the console language and theme, and which optional mails I get; fields left out stay as they are, and ' +
      'so do e-mail preferences left out of `email_preferences`. Security mails (invitations, password resets, verification ' +
      'codes) are sent whatever `security_notifications` says. My email address and role are changed by an admin. Answers my ' +
      'profile as it now is.',
  })
  @ApiRefusals(
    bodyRefusals(
      'No field to change, a name over 255 characters, a language that is no BCP 47 tag (`en`, `fr-CA`, `zh-Hant-TW`), ' +
        'an unknown theme, or an e-mail preference that is unknown or not true or false',
    ),
  )
  @ApiOkResponse({ type: ProfileDto })
  update(@CurrentPrincipal() principal: Principal, @Body() body: UpdateProfileDto, @RequestOrigin() origin: Origin): Promise<ProfileDto> {
    return this.profiles.update(principal, body, origin.ip);
  }

  @Post('verification-code')
  @Authenticated({ person: true })
  @ApiOperation({
    summary: 'Mail me a support verification code',
    description:
      'Mails a 6-digit code, valid 10 minutes, to my own address, for me to read to a support agent who checks it; it replaces ' +
      'my earlier code. Answers `{message, expires_at}`, never the code.',
  })
  @ApiRefusals({
    429: 'More than 5 codes to me in 10 minutes, whoever asked for them; nothing is mailed. `Retry-After` says when to try again',
    503: 'The mail server refused the code',
  })
  @ApiOkResponse({ type: VerificationCodeSentDto })
  sendVerificationCode(@CurrentPrincipal() principal: Principal, @RequestOrigin() origin: Origin): Promise<VerificationCodeSentDto> {
    return this.profiles.sendVerificationCode(principal, origin.ip);
  }
}

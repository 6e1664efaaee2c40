import { Body, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, ProvisioningController } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { VerificationCodeService } from './verification-code.service.js';
import { VerificationCodeSentDto, VerificationResultDto, VerifyCodeDto } from './dto/verification-code.dto.js';

@ApiTags('Support verification codes')
@ProvisioningController()
export class VerificationCodeController {
  constructor(private readonly codes: VerificationCodeService) {}

  @Post('users/:user_id/verification_code')
  @Authenticated({ permission: 'provisioning:verification_codes.create' })
  @ApiOperation({
    summary: 'Mail a support verification code to a user',
    description: 'Answers `{message, expires_at}`. Support staff then ask the user for the code and check it with the verify route.',
  })
  @ApiRefusals({
    404: 'No user with this id in this account',
    429: 'More than 5 codes to this user, or 30 from this key, in 10 minutes; nothing is mailed',
    503: 'The mail server refused the code',
  })
  @ApiOkResponse({
    type: VerificationCodeSentDto,
    description: "A 6-digit code, valid 10 minutes, mailed to the user; it replaces the user's earlier code",
  })
  send(@CurrentPrincipal() principal: Principal, @Param('user_id') userId: string): Promise<VerificationCodeSentDto> {
    return this.codes.send(principal, userId);
  }

  @Post('verification_codes/verify')
  @Authenticated({ permission: 'provisioning:verification_codes.verify' })
  @ApiOperation({
    summary: "Check a user's support verification code",
    description: "Answers `{valid}`. The user's latest code is the only one that counts, for 10 minutes.",
  })
  @ApiRefusals({ ...bodyRefusals('user_id missing, or a code that is not 6 digits'), 404: 'No user with this id in this account' })
  @ApiOkResponse({ type: VerificationResultDto, description: 'A correct code is burnt; five wrong tries burn it too' })
  verify(@CurrentPrincipal() principal: Principal, @Body() body: VerifyCodeDto): Promise<VerificationResultDto> {
    return this.codes.verify(principal.accountId, body);
  }
}

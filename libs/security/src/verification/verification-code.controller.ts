import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { VerificationCodeService } from './verification-code.service.js';
import { VerificationCodeSentDto, VerificationResultDto, VerifyCodeDto } from './dto/verification-code.dto.js';

@ApiTags('Support verification codes')
@Controller('v1_1/provisioning/accounts/:account_id')
export class VerificationCodeController {
  constructor(private readonly codes: VerificationCodeService) {}

  @Post('users/:user_id/verification_code')
  @Authenticated({ permission: 'provisioning:verification_codes.create' })
  @ApiOkResponse({ type: VerificationCodeSentDto, description: "A 6-digit code, valid 10 minutes, mailed to the user; it replaces the user's earlier code" })
  @ApiResponse({ status: 429, description: 'More than 5 codes to this user, or 30 from this key, in 10 minutes' })
  send(@CurrentPrincipal() principal: Principal, @Param('user_id') userId: string): Promise<VerificationCodeSentDto> {
    return this.codes.send(principal, userId);
  }

  @Post('verification_codes/verify')
  @Authenticated({ permission: 'provisioning:verification_codes.verify' })
  @ApiOkResponse({ type: VerificationResultDto, description: 'A correct code is burnt; five wrong tries burn it too' })
  verify(@CurrentPrincipal() principal: Principal, @Body() body: VerifyCodeDto): Promise<VerificationResultDto> {
    return this.codes.verify(principal.accountId, body);
  }
}

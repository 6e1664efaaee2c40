import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, CurrentPrincipal, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { KeyUsageDto, USAGE_DESCRIPTION } from './dto/key-usage.dto.js';
import { KeyUsageService } from './key-usage.service.js';

/** An account API key's usage, beside the key's other routes. */
@ApiTags('Account API keys')
@ProvisioningController('account_api_keys')
export class AccountApiKeyUsageController {
  constructor(private readonly usage: KeyUsageService) {}

  @Get(':api_key/usage')
  @Authenticated({ permission: 'provisioning:account_api_keys.read' })
  @ApiOperation({ summary: "Get an account API key's usage", description: `${USAGE_DESCRIPTION}.` })
  @ApiRefusals({ 404: REFUSED.noAccountKey })
  @ApiOkResponse({ type: KeyUsageDto, description: USAGE_DESCRIPTION })
  usageOf(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string): Promise<KeyUsageDto> {
    return this.usage.forAccountKey(p.accountId, apiKey);
  }
}

import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, CurrentPrincipal, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { KeyUsageDto, USAGE_DESCRIPTION } from './dto/key-usage.dto.js';
import { KeyUsageService } from './key-usage.service.js';

/** An environment access key's usage, beside the key's other routes. */
@ApiTags('Access keys')
@ProvisioningController('sub_accounts/:sub_account_id/access_keys')
export class AccessKeyUsageController {
  constructor(private readonly usage: KeyUsageService) {}

  @Get(':api_key/usage')
  @Authenticated({ permission: 'provisioning:access_keys.read' })
  @ApiOperation({ summary: "Get an access key's usage", description: `${USAGE_DESCRIPTION}.` })
  @ApiRefusals({ 404: REFUSED.noEnvironmentKey })
  @ApiOkResponse({ type: KeyUsageDto, description: USAGE_DESCRIPTION })
  usageOf(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Param('api_key') apiKey: string,
  ): Promise<KeyUsageDto> {
    return this.usage.forAccessKey(p.accountId, environmentId, apiKey);
  }
}

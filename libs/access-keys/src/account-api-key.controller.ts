import { Body, Delete, Get, Ip, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { KEY_WORDING } from './access-key.controller.js';
import { AccountApiKeyService } from './account-api-key.service.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { AccessKeyDto, AccountKeyListDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto } from './dto/access-key.dto.js';

@ApiTags('Account API keys')
@ProvisioningController('account_api_keys')
export class AccountApiKeyController {
  constructor(private readonly keys: AccountApiKeyService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:account_api_keys.read' })
  @ApiOperation({ summary: 'List account API keys', description: KEY_WORDING.list('account_api_keys') })
  @ApiRefusals({ 400: REFUSED.keyPage })
  @ApiOkResponse({ type: AccountKeyListDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListKeysDto): Promise<AccountKeyListDto> {
    return this.keys.list(p.accountId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:account_api_keys.create' })
  @ApiOperation({
    summary: 'Generate an account API key',
    description:
      'A new key that manages the account, holding at most what the calling key holds. ' +
      `${KEY_WORDING.secretOnce('account_url')} (a \`CLOUDINARY_ACCOUNT_URL\`).`,
  })
  @ApiRefusals({ ...bodyRefusals(REFUSED.keySettings), 409: REFUSED.keyNameTaken })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The new key; api_secret and account_url are shown in this response only' })
  generate(@CurrentPrincipal() p: Principal, @Body() body: GenerateKeyDto): Promise<AccessKeyDto> {
    return this.keys.generate(p, body);
  }

  @Put(':api_key')
  @Authenticated({ permission: 'provisioning:account_api_keys.update' })
  @ApiOperation({ summary: 'Update an account API key', description: `${KEY_WORDING.update} The last enabled key cannot be disabled.` })
  @ApiRefusals({
    ...bodyRefusals(REFUSED.keySettings),
    403: REFUSED.beyondCaller,
    404: REFUSED.noAccountKey,
    409: `${KEY_WORDING.updateConflict}; or disabling the last enabled account API key`,
  })
  @ApiOkResponse({ type: AccessKeyDto })
  update(
    @CurrentPrincipal() p: Principal,
    @Ip() ip: string,
    @Param('api_key') apiKey: string,
    @Body() body: UpdateAccountKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.update({ principal: p, ip }, apiKey, body);
  }

  @Post(':api_key/rotate')
  @Authenticated({ permission: 'provisioning:account_api_keys.rotate' })
  @ApiOperation({ summary: 'Rotate an account API key', description: `${KEY_WORDING.rotation} ${KEY_WORDING.secretOnce('account_url')}.` })
  @ApiRefusals({ ...bodyRefusals(REFUSED.graceSeconds), 403: REFUSED.beyondCaller, 404: REFUSED.noAccountKey })
  @ApiOkResponse({
    type: AccessKeyDto,
    description: 'The key with its new secret; api_secret and account_url are shown in this response only',
  })
  rotate(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string, @Body() body: RotateKeyDto): Promise<AccessKeyDto> {
    return this.keys.rotate(p, p.accountId, apiKey, body);
  }

  @Delete(':api_key')
  @Authenticated({ permission: 'provisioning:account_api_keys.delete' })
  @ApiOperation({
    summary: 'Delete an account API key (never allowed)',
    description: 'Account API keys are disabled, never deleted: update the key with `enabled: false` instead.',
  })
  @ApiRefusals({ 405: 'Always: account API keys can only be disabled' })
  @ApiParam({ name: 'api_key', schema: { type: 'string' } })
  delete(): never {
    return this.keys.delete();
  }

  @Get(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:account_api_keys.permissions.read' })
  @ApiOperation({ summary: "Get an account API key's permissions", description: KEY_WORDING.policy })
  @ApiRefusals({ 404: REFUSED.noAccountKey })
  @ApiOkResponse({ type: PolicyDto })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string): Promise<PolicyDto> {
    return this.keys.permissions(p.accountId, apiKey);
  }

  @Put(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:account_api_keys.permissions.update' })
  @ApiOperation({ summary: "Replace an account API key's permissions", description: KEY_WORDING.policyReplaced })
  @ApiRefusals({ ...bodyRefusals(REFUSED.rules), 403: REFUSED.beyondCaller, 404: KEY_WORDING.policyNotFound(REFUSED.noAccountKey) })
  @ApiOkResponse({ type: PolicyDto, description: 'The stored policy' })
  putPermissions(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string, @Body() body: PolicyInputDto): Promise<PolicyDto> {
    return this.keys.replacePermissions(p, apiKey, body);
  }
}

import { Body, Controller, Delete, Get, Ip, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AccountApiKeyService } from './account-api-key.service.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { AccessKeyDto, AccountKeyListDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto } from './dto/access-key.dto.js';

@ApiTags('Account API keys')
@Controller('v1_1/provisioning/accounts/:account_id/account_api_keys')
export class AccountApiKeyController {
  constructor(private readonly keys: AccountApiKeyService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:account_api_keys.read' })
  @ApiOkResponse({ type: AccountKeyListDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListKeysDto): Promise<AccountKeyListDto> {
    return this.keys.list(p.accountId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:account_api_keys.create' })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The new key; api_secret and account_url are shown in this response only' })
  generate(@CurrentPrincipal() p: Principal, @Body() body: GenerateKeyDto): Promise<AccessKeyDto> {
    return this.keys.generate(p, body);
  }

  @Put(':api_key')
  @Authenticated({ permission: 'provisioning:account_api_keys.update' })
  @ApiOkResponse({ type: AccessKeyDto })
  @ApiResponse({ status: 409, description: "Disabling the last enabled account API key, or narrowing the calling key's allowed_ips to leave out its own address" })
  update(@CurrentPrincipal() p: Principal, @Ip() ip: string, @Param('api_key') apiKey: string, @Body() body: UpdateAccountKeyDto): Promise<AccessKeyDto> {
    return this.keys.update({ principal: p, ip }, apiKey, body);
  }

  @Post(':api_key/rotate')
  @Authenticated({ permission: 'provisioning:account_api_keys.rotate' })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The key with its new secret; api_secret and account_url are shown in this response only' })
  rotate(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string, @Body() body: RotateKeyDto): Promise<AccessKeyDto> {
    return this.keys.rotate(p, p.accountId, apiKey, body);
  }

  @Delete(':api_key')
  @Authenticated({ permission: 'provisioning:account_api_keys.delete' })
  @ApiResponse({ status: 405, description: 'Account API keys can only be disabled' })
  delete(): never {
    return this.keys.delete();
  }

  @Get(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:account_api_keys.permissions.read' })
  @ApiOkResponse({ type: PolicyDto })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string): Promise<PolicyDto> {
    return this.keys.permissions(p.accountId, apiKey);
  }

  @Put(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:account_api_keys.permissions.update' })
  @ApiOkResponse({ type: PolicyDto, description: 'The stored policy' })
  putPermissions(@CurrentPrincipal() p: Principal, @Param('api_key') apiKey: string, @Body() body: PolicyInputDto): Promise<PolicyDto> {
    return this.keys.replacePermissions(p, apiKey, body);
  }
}

import { Body, Controller, Delete, Get, Ip, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, OkMessageDto } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AccessKeyDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto, UserKeyListDto } from './dto/access-key.dto.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { UserApiKeyService } from './user-api-key.service.js';

/** A user's own keys need the own_api_keys actions (`owner`); another user's keys need the user_api_keys ones. */
@ApiTags('User API keys')
@Controller('v1_1/provisioning/accounts/:account_id/users/:user_id/api_keys')
export class UserApiKeyController {
  constructor(private readonly keys: UserApiKeyService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:user_api_keys.read', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.read' } })
  @ApiOkResponse({ type: UserKeyListDto })
  list(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Query() query: ListKeysDto): Promise<UserKeyListDto> {
    return this.keys.list(p.accountId, userId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:user_api_keys.create', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.create' } })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The new key; api_secret and account_url are shown in this response only' })
  generate(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Body() body: GenerateKeyDto): Promise<AccessKeyDto> {
    return this.keys.generate(p, userId, body);
  }

  @Put(':api_key')
  @Authenticated({ permission: 'provisioning:user_api_keys.update', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.update' } })
  @ApiOkResponse({ type: AccessKeyDto })
  update(
    @CurrentPrincipal() p: Principal,
    @Ip() ip: string,
    @Param('user_id') userId: string,
    @Param('api_key') apiKey: string,
    @Body() body: UpdateAccountKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.update({ principal: p, ip }, userId, apiKey, body);
  }

  @Post(':api_key/rotate')
  @Authenticated({ permission: 'provisioning:user_api_keys.rotate', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.rotate' } })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The key with its new secret; api_secret and account_url are shown in this response only' })
  rotate(
    @CurrentPrincipal() p: Principal,
    @Param('user_id') userId: string,
    @Param('api_key') apiKey: string,
    @Body() body: RotateKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.rotate(p, p.accountId, userId, apiKey, body);
  }

  @Delete(':api_key')
  @Authenticated({ permission: 'provisioning:user_api_keys.delete', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.delete' } })
  @ApiOkResponse({ type: OkMessageDto, description: 'Revoked: the key stops working on the next request' })
  revoke(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Param('api_key') apiKey: string): Promise<OkMessageDto> {
    return this.keys.revoke(p, userId, apiKey);
  }

  @Get(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:user_api_keys.read', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.read' } })
  @ApiOkResponse({ type: PolicyDto, description: "The key's own rules, which only narrow its user's privileges" })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Param('api_key') apiKey: string): Promise<PolicyDto> {
    return this.keys.permissions(p.accountId, userId, apiKey);
  }

  @Put(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:user_api_keys.update', owner: { param: 'user_id', permission: 'provisioning:own_api_keys.update' } })
  @ApiOkResponse({ type: PolicyDto })
  putPermissions(
    @CurrentPrincipal() p: Principal,
    @Param('user_id') userId: string,
    @Param('api_key') apiKey: string,
    @Body() body: PolicyInputDto,
  ): Promise<PolicyDto> {
    return this.keys.replacePermissions(p, userId, apiKey, body);
  }
}

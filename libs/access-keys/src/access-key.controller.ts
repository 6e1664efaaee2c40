import { Body, Controller, Delete, Get, Ip, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, OkMessageDto } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AccessKeyService } from './access-key.service.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { AccessKeyDto, AccessKeyListDto, GenerateKeyDto, KeyNameDto, ListKeysDto, RotateKeyDto, UpdateAccessKeyDto } from './dto/access-key.dto.js';

@ApiTags('Access keys')
@Controller('v1_1/provisioning/accounts/:account_id/sub_accounts/:sub_account_id/access_keys')
export class AccessKeyController {
  constructor(private readonly keys: AccessKeyService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:access_keys.read' })
  @ApiOkResponse({ type: AccessKeyListDto })
  list(@CurrentPrincipal() p: Principal, @Param('sub_account_id') environmentId: string, @Query() query: ListKeysDto): Promise<AccessKeyListDto> {
    return this.keys.list(p.accountId, environmentId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:access_keys.create' })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The new key; api_secret is shown in this response only' })
  generate(@CurrentPrincipal() p: Principal, @Param('sub_account_id') environmentId: string, @Body() body: GenerateKeyDto): Promise<AccessKeyDto> {
    return this.keys.generate(p, environmentId, body);
  }

  @Put(':api_key')
  @Authenticated({ permission: 'provisioning:access_keys.update' })
  @ApiOkResponse({ type: AccessKeyDto })
  update(
    @CurrentPrincipal() p: Principal,
    @Ip() ip: string,
    @Param('sub_account_id') environmentId: string,
    @Param('api_key') apiKey: string,
    @Body() body: UpdateAccessKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.update({ principal: p, ip }, environmentId, apiKey, body);
  }

  @Post(':api_key/rotate')
  @Authenticated({ permission: 'provisioning:access_keys.rotate' })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The key with its new secret, shown in this response only' })
  rotate(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Param('api_key') apiKey: string,
    @Body() body: RotateKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.rotate(p, p.accountId, environmentId, apiKey, body);
  }

  @Delete(':api_key')
  @Authenticated({ permission: 'provisioning:access_keys.delete' })
  @ApiOkResponse({ type: OkMessageDto })
  delete(@CurrentPrincipal() p: Principal, @Param('sub_account_id') environmentId: string, @Param('api_key') apiKey: string): Promise<OkMessageDto> {
    return this.keys.deleteByKey(p, environmentId, apiKey);
  }

  /** The SDK sends the name as a form body; curl users put it in the query string. Either is accepted. */
  @Delete()
  @Authenticated({ permission: 'provisioning:access_keys.delete' })
  @ApiOkResponse({ type: OkMessageDto })
  deleteByName(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Query() query: KeyNameDto,
    @Body() body: KeyNameDto,
  ): Promise<OkMessageDto> {
    return this.keys.deleteByName(p, environmentId, body.name ?? query.name);
  }

  @Get(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:access_keys.permissions.read' })
  @ApiOkResponse({ type: PolicyDto })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('sub_account_id') environmentId: string, @Param('api_key') apiKey: string): Promise<PolicyDto> {
    return this.keys.permissions(p.accountId, environmentId, apiKey);
  }

  @Put(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:access_keys.permissions.update' })
  @ApiOkResponse({ type: PolicyDto, description: 'The stored policy' })
  putPermissions(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Param('api_key') apiKey: string,
    @Body() body: PolicyInputDto,
  ): Promise<PolicyDto> {
    return this.keys.replacePermissions(p, environmentId, apiKey, body);
  }
}

import { Body, Delete, Get, Ip, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OkMessageDto, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { KEY_WORDING } from './access-key.controller.js';
import { AccessKeyDto, GenerateKeyDto, ListKeysDto, RotateKeyDto, UpdateAccountKeyDto, UserKeyListDto } from './dto/access-key.dto.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import { UserApiKeyService } from './user-api-key.service.js';

const NO_USER = 'No user with this id in this account';
const NOT_FOUND = 'No user with this id in this account, or no key with this api_key of that user';

/** A user's own keys need the own_api_keys actions (`owner`); another user's keys need the user_api_keys ones. */
@ApiTags('User API keys')
@ProvisioningController('users/:user_id/api_keys')
export class UserApiKeyController {
  constructor(private readonly keys: UserApiKeyService) {}

  @Get()
  @Authenticated({
    permission: 'provisioning:user_api_keys.read',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.read' },
  })
  @ApiOperation({ summary: "List a user's API keys", description: KEY_WORDING.list('api_keys') })
  @ApiRefusals({ 400: REFUSED.keyPage, 404: NO_USER })
  @ApiOkResponse({ type: UserKeyListDto })
  list(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Query() query: ListKeysDto): Promise<UserKeyListDto> {
    return this.keys.list(p.accountId, userId, query);
  }

  @Post()
  @Authenticated({
    permission: 'provisioning:user_api_keys.create',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.create' },
  })
  @ApiOperation({
    summary: 'Generate a user API key',
    description:
      "A new key that acts with exactly its user's privileges, never more. A key made by a narrowed key of the same user is " +
      'narrowed alike; one for another user needs a caller that holds everything that user holds. ' +
      `${KEY_WORDING.secretOnce('account_url')}.`,
  })
  @ApiRefusals({ ...bodyRefusals(REFUSED.keySettings), 403: REFUSED.beyondCaller, 404: NO_USER, 409: REFUSED.keyNameTaken })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The new key; api_secret and account_url are shown in this response only' })
  generate(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Body() body: GenerateKeyDto): Promise<AccessKeyDto> {
    return this.keys.generate(p, userId, body);
  }

  @Put(':api_key')
  @Authenticated({
    permission: 'provisioning:user_api_keys.update',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.update' },
  })
  @ApiOperation({ summary: 'Update a user API key', description: KEY_WORDING.update })
  @ApiRefusals({ ...bodyRefusals(REFUSED.keySettings), 403: REFUSED.beyondCaller, 404: NOT_FOUND, 409: KEY_WORDING.updateConflict })
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
  @Authenticated({
    permission: 'provisioning:user_api_keys.rotate',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.rotate' },
  })
  @ApiOperation({ summary: 'Rotate a user API key', description: `${KEY_WORDING.rotation} ${KEY_WORDING.secretOnce('account_url')}.` })
  @ApiRefusals({ ...bodyRefusals(REFUSED.graceSeconds), 403: REFUSED.beyondCaller, 404: NOT_FOUND })
  @ApiOkResponse({
    type: AccessKeyDto,
    description: 'The key with its new secret; api_secret and account_url are shown in this response only',
  })
  rotate(
    @CurrentPrincipal() p: Principal,
    @Param('user_id') userId: string,
    @Param('api_key') apiKey: string,
    @Body() body: RotateKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.rotate(p, p.accountId, userId, apiKey, body);
  }

  @Delete(':api_key')
  @Authenticated({
    permission: 'provisioning:user_api_keys.delete',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.delete' },
  })
  @ApiOperation({ summary: 'Revoke a user API key', description: 'Deletes the key, which stops working on the next request.' })
  @ApiRefusals({ 403: REFUSED.beyondCaller, 404: NOT_FOUND })
  @ApiOkResponse({ type: OkMessageDto, description: 'Revoked: the key stops working on the next request' })
  revoke(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Param('api_key') apiKey: string): Promise<OkMessageDto> {
    return this.keys.revoke(p, userId, apiKey);
  }

  @Get(':api_key/permissions')
  @Authenticated({
    permission: 'provisioning:user_api_keys.read',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.read' },
  })
  @ApiOperation({
    summary: "Get a user API key's permissions",
    description: `${KEY_WORDING.policy} A user key's rules only narrow its user's privileges, and \`roles\` is always empty.`,
  })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: PolicyDto, description: "The key's own rules, which only narrow its user's privileges" })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string, @Param('api_key') apiKey: string): Promise<PolicyDto> {
    return this.keys.permissions(p.accountId, userId, apiKey);
  }

  @Put(':api_key/permissions')
  @Authenticated({
    permission: 'provisioning:user_api_keys.update',
    owner: { param: 'user_id', permission: 'provisioning:own_api_keys.update' },
  })
  @ApiOperation({
    summary: "Replace a user API key's permissions",
    description: "Replaces the key's own `rules`, which narrow its user's privileges, from the key's next request on.",
  })
  @ApiRefusals({
    ...bodyRefusals(`${REFUSED.rules}; or roles given: user keys take their roles from their user`),
    403: REFUSED.beyondCaller,
    404: NOT_FOUND,
  })
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

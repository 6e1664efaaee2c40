import { Body, Delete, Get, Ip, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OkMessageDto, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AccessKeyService } from './access-key.service.js';
import { PolicyDto, PolicyInputDto } from './dto/permissions.dto.js';
import {
  AccessKeyDto,
  AccessKeyListDto,
  GenerateKeyDto,
  KeyNameDto,
  ListKeysDto,
  RotateKeyDto,
  UpdateAccessKeyDto,
} from './dto/access-key.dto.js';

/** What the routes of every kind of key say alike: account and user API keys use it too. */
export const KEY_WORDING = {
  list: (field: string) =>
    `Answers \`{${field}:[…], total}\`: one page of the keys, enabled or not, without secrets. \`page_size\` is 1–1000 ` +
    '(default 100), `page` counts from 1, `sort_by` is `api_key`, `created_at` (the default), `name` or `enabled`, and ' +
    '`sort_order` `desc` (the default) or `asc`.',
  secretOnce: (url: string) => `This answer alone shows \`api_secret\` and \`${url}\``,
  rotation:
    'Gives the key a new secret; its api_key, name, policy and settings stay. The replaced secret works `grace_seconds` longer ' +
    "(default 0: it stops at once), never past the key's `expires_at`.",
  update: 'Changes the fields given: `name`, `description`, `enabled`, `expires_at`, `allowed_ips`, `rate_limit_per_minute`.',
  policy:
    "Answers `{api_key, rules, roles, default}`: the key's own rules, the custom roles it holds, and whether its rules are its " +
    "kind's default.",
  policyReplaced: "Replaces the key's `rules` and the custom `roles` it holds, together, from the key's next request on.",
  updateConflict: `${REFUSED.keyNameTaken}; or, on the calling key itself, ${REFUSED.lockOut}`,
  policyNotFound: (notFound: string) => `${notFound}, or no custom role with an id in roles`,
} as const;

const NO_ENVIRONMENT = 'No product environment with this id in this account';

@ApiTags('Access keys')
@ProvisioningController('sub_accounts/:sub_account_id/access_keys')
export class AccessKeyController {
  constructor(private readonly keys: AccessKeyService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:access_keys.read' })
  @ApiOperation({
    summary: "List a product environment's access keys",
    description: `${KEY_WORDING.list('access_keys')} Cloudinary SDK: \`access_keys\`.`,
  })
  @ApiRefusals({ 400: REFUSED.keyPage, 404: NO_ENVIRONMENT })
  @ApiOkResponse({ type: AccessKeyListDto })
  list(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Query() query: ListKeysDto,
  ): Promise<AccessKeyListDto> {
    return this.keys.list(p.accountId, environmentId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:access_keys.create' })
  @ApiOperation({
    summary: 'Generate an access key',
    description:
      'A new key for the environment, holding at most what the calling key holds there; without a name, it is called ' +
      `\`key_<api_key>\`. ${KEY_WORDING.secretOnce('api_environment_variable')} (a \`CLOUDINARY_URL\`). ` +
      'Cloudinary SDK: `generate_access_key`.',
  })
  @ApiRefusals({ ...bodyRefusals(REFUSED.keySettings), 404: NO_ENVIRONMENT, 409: REFUSED.keyNameTaken })
  @ApiOkResponse({ type: AccessKeyDto, description: 'The new key; api_secret is shown in this response only' })
  generate(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Body() body: GenerateKeyDto,
  ): Promise<AccessKeyDto> {
    return this.keys.generate(p, environmentId, body);
  }

  @Put(':api_key')
  @Authenticated({ permission: 'provisioning:access_keys.update' })
  @ApiOperation({
    summary: 'Update an access key',
    description:
      `${KEY_WORDING.update} \`dedicated_for\` takes the purpose from the key of the environment that held it. ` +
      'Cloudinary SDK: `update_access_key`.',
  })
  @ApiRefusals({
    ...bodyRefusals(REFUSED.keySettings),
    403: REFUSED.beyondCaller,
    404: REFUSED.noEnvironmentKey,
    409: KEY_WORDING.updateConflict,
  })
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
  @ApiOperation({
    summary: 'Rotate an access key',
    description: `${KEY_WORDING.rotation} ${KEY_WORDING.secretOnce('api_environment_variable')}.`,
  })
  @ApiRefusals({ ...bodyRefusals(REFUSED.graceSeconds), 403: REFUSED.beyondCaller, 404: REFUSED.noEnvironmentKey })
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
  @ApiOperation({
    summary: 'Delete an access key',
    description: 'Deletes the key, which stops working on the next request. Cloudinary SDK: `delete_access_key`.',
  })
  @ApiRefusals({ 404: REFUSED.noEnvironmentKey })
  @ApiOkResponse({ type: OkMessageDto })
  delete(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Param('api_key') apiKey: string,
  ): Promise<OkMessageDto> {
    return this.keys.deleteByKey(p, environmentId, apiKey);
  }

  /** The SDK sends the name as a form body; curl users put it in the query string. Either is accepted. */
  @Delete()
  @Authenticated({ permission: 'provisioning:access_keys.delete' })
  @ApiOperation({
    summary: 'Delete an access key by name',
    description:
      'Deletes the key named `name`, given in the query string or the body (the SDK sends a form body). ' +
      'Cloudinary SDK: `delete_access_key_by_name`.',
  })
  @ApiRefusals({
    ...bodyRefusals('name is missing, from both the query string and the body'),
    404: 'No product environment with this id in this account, or no key with this name in it',
  })
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
  @ApiOperation({
    summary: "Get an access key's permissions",
    description: KEY_WORDING.policy,
  })
  @ApiRefusals({ 404: REFUSED.noEnvironmentKey })
  @ApiOkResponse({ type: PolicyDto })
  getPermissions(
    @CurrentPrincipal() p: Principal,
    @Param('sub_account_id') environmentId: string,
    @Param('api_key') apiKey: string,
  ): Promise<PolicyDto> {
    return this.keys.permissions(p.accountId, environmentId, apiKey);
  }

  @Put(':api_key/permissions')
  @Authenticated({ permission: 'provisioning:access_keys.permissions.update' })
  @ApiOperation({
    summary: "Replace an access key's permissions",
    description: KEY_WORDING.policyReplaced,
  })
  @ApiRefusals({ ...bodyRefusals(REFUSED.rules), 403: REFUSED.beyondCaller, 404: KEY_WORDING.policyNotFound(REFUSED.noEnvironmentKey) })
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

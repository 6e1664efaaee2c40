import { Body, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OkMessageDto, ProvisioningController } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { EnvironmentService } from './environment.service.js';
import {
  CreateEnvironmentDto,
  EnvironmentDto,
  EnvironmentListDto,
  ListEnvironmentsDto,
  UpdateEnvironmentDto,
} from './dto/environment.dto.js';

const NOT_FOUND = 'No product environment with this id in this account';
const INVALID = 'A field breaks its rule: name missing or over 255 characters, cloud_name with other than letters, digits, _ and -';
const CLOUD_NAME_TAKEN = 'The cloud_name is taken, in this account or another';

@ApiTags('Product environments')
@ProvisioningController('sub_accounts')
export class EnvironmentController {
  constructor(private readonly environments: EnvironmentService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:sub_accounts.read', withinReach: true })
  @ApiOperation({
    summary: 'List product environments',
    description:
      'Answers `{sub_accounts:[…]}`, each environment with its enabled keys and no secret. The filters combine: `enabled`, ' +
      '`ids` and `cloud_names` (at most 100 each), `prefix` (of the name, in any case). Cloudinary SDK: `sub_accounts`.',
  })
  @ApiRefusals({ 400: 'A filter breaks its rule: over 100 ids or cloud_names, or enabled not a boolean' })
  @ApiOkResponse({ type: EnvironmentListDto, description: 'The product environments the caller reaches' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListEnvironmentsDto): Promise<EnvironmentListDto> {
    return this.environments.list(principal, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:sub_accounts.create' })
  @ApiOperation({
    summary: 'Create a product environment',
    description:
      'Only `name` is required. `cloud_name`, unique across accounts and kept lower-case, is generated when absent. ' +
      '`folder_mode` and `asset_record_location` cannot change later. `base_sub_account_id` copies the settings of another ' +
      'environment, never its keys. The environment comes with its first key, `Root`, whose secret this answer alone shows. ' +
      'Cloudinary SDK: `create_sub_account`.',
  })
  @ApiRefusals({
    ...bodyRefusals(INVALID),
    403: 'The account holds as many product environments as its limit allows, or the key may not read the base environment',
    404: 'No environment with the base_sub_account_id in this account',
    409: CLOUD_NAME_TAKEN,
  })
  @ApiOkResponse({
    type: EnvironmentDto,
    description: 'The new environment; api_access_keys holds its first key with the secret, shown this once',
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateEnvironmentDto): Promise<EnvironmentDto> {
    return this.environments.create(principal, body);
  }

  @Get(':sub_account_id')
  @Authenticated({ permission: 'provisioning:sub_accounts.read' })
  @ApiOperation({
    summary: 'Get a product environment',
    description: 'Answers the environment with its enabled keys, and no secret. Cloudinary SDK: `sub_account`.',
  })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: EnvironmentDto })
  get(@CurrentPrincipal() principal: Principal, @Param('sub_account_id') id: string): Promise<EnvironmentDto> {
    return this.environments.get(principal.accountId, id);
  }

  @Put(':sub_account_id')
  @Authenticated({ permission: 'provisioning:sub_accounts.update' })
  @ApiOperation({
    summary: 'Update a product environment',
    description: 'Changes the fields given, and answers the environment. Cloudinary SDK: `update_sub_account`.',
  })
  @ApiRefusals({
    ...bodyRefusals(`${INVALID}, or folder_mode or asset_record_location changed`),
    404: NOT_FOUND,
    409: CLOUD_NAME_TAKEN,
  })
  @ApiOkResponse({ type: EnvironmentDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('sub_account_id') id: string,
    @Body() body: UpdateEnvironmentDto,
  ): Promise<EnvironmentDto> {
    return this.environments.update(principal.accountId, id, body);
  }

  @Delete(':sub_account_id')
  @Authenticated({ permission: 'provisioning:sub_accounts.delete' })
  @ApiOperation({
    summary: 'Delete a product environment',
    description: 'Deletes the environment and all its keys, which stop working at once. Cloudinary SDK: `delete_sub_account`.',
  })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: OkMessageDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('sub_account_id') id: string): Promise<OkMessageDto> {
    return this.environments.delete(principal.accountId, id);
  }
}

import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, OkMessageDto } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { EnvironmentService } from './environment.service.js';
import { CreateEnvironmentDto, EnvironmentDto, EnvironmentListDto, ListEnvironmentsDto, UpdateEnvironmentDto } from './dto/environment.dto.js';

@ApiTags('Product environments')
@Controller('v1_1/provisioning/accounts/:account_id/sub_accounts')
export class EnvironmentController {
  constructor(private readonly environments: EnvironmentService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:sub_accounts.read', withinReach: true })
  @ApiOkResponse({ type: EnvironmentListDto, description: 'The product environments the caller reaches' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListEnvironmentsDto): Promise<EnvironmentListDto> {
    return this.environments.list(principal, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:sub_accounts.create' })
  @ApiOkResponse({ type: EnvironmentDto, description: 'The new environment; api_access_keys holds its first key with the secret, shown this once' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateEnvironmentDto): Promise<EnvironmentDto> {
    return this.environments.create(principal, body);
  }

  @Get(':sub_account_id')
  @Authenticated({ permission: 'provisioning:sub_accounts.read' })
  @ApiOkResponse({ type: EnvironmentDto })
  get(@CurrentPrincipal() principal: Principal, @Param('sub_account_id') id: string): Promise<EnvironmentDto> {
    return this.environments.get(principal.accountId, id);
  }

  @Put(':sub_account_id')
  @Authenticated({ permission: 'provisioning:sub_accounts.update' })
  @ApiOkResponse({ type: EnvironmentDto })
  update(@CurrentPrincipal() principal: Principal, @Param('sub_account_id') id: string, @Body() body: UpdateEnvironmentDto): Promise<EnvironmentDto> {
    return this.environments.update(principal.accountId, id, body);
  }

  @Delete(':sub_account_id')
  @Authenticated({ permission: 'provisioning:sub_accounts.delete' })
  @ApiOkResponse({ type: OkMessageDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('sub_account_id') id: string): Promise<OkMessageDto> {
    return this.environments.delete(principal.accountId, id);
  }
}

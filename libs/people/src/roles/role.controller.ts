import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, OkMessageDto } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { RoleService } from './role.service.js';
import { CreateRoleDto, RoleDto, RoleListDto, UpdateRoleDto } from './dto/role.dto.js';

@ApiTags('Roles')
@Controller('v1_1/provisioning/accounts/:account_id/roles')
export class RoleController {
  constructor(private readonly roles: RoleService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:roles.read' })
  @ApiOkResponse({ type: RoleListDto })
  list(@CurrentPrincipal() p: Principal): Promise<RoleListDto> {
    return this.roles.list(p.accountId);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:roles.create' })
  @ApiOkResponse({ type: RoleDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(p, body);
  }

  @Get(':role_id')
  @Authenticated({ permission: 'provisioning:roles.read' })
  @ApiOkResponse({ type: RoleDto, description: 'A custom role by id, or a system role by name' })
  get(@CurrentPrincipal() p: Principal, @Param('role_id') id: string): Promise<RoleDto> {
    return this.roles.get(p.accountId, id);
  }

  @Put(':role_id')
  @Authenticated({ permission: 'provisioning:roles.update' })
  @ApiOkResponse({ type: RoleDto })
  update(@CurrentPrincipal() p: Principal, @Param('role_id') id: string, @Body() body: UpdateRoleDto): Promise<RoleDto> {
    return this.roles.update(p, id, body);
  }

  @Delete(':role_id')
  @Authenticated({ permission: 'provisioning:roles.delete' })
  @ApiOkResponse({ type: OkMessageDto, description: 'Refused with 409 while a user, group or key holds the role' })
  delete(@CurrentPrincipal() p: Principal, @Param('role_id') id: string): Promise<OkMessageDto> {
    return this.roles.delete(p.accountId, id);
  }
}

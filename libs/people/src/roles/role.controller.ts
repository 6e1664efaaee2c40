import { Body, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OkMessageDto, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { RoleService } from './role.service.js';
import { CreateRoleDto, RoleDto, RoleListDto, UpdateRoleDto } from './dto/role.dto.js';

const NOT_FOUND = 'No custom role with this id, nor system role with this name, in this account';
const SYSTEM_READ_ONLY = 'System roles are read-only';
const NAME_TAKEN = 'Another role of the account, or a system role, has this name';

@ApiTags('Roles')
@ProvisioningController('roles')
export class RoleController {
  constructor(private readonly roles: RoleService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:roles.read' })
  @ApiOperation({
    summary: 'List roles',
    description: 'Answers `{roles:[…]}`: the system roles first (`system: true`, known by their names), then the custom roles.',
  })
  @ApiOkResponse({ type: RoleListDto })
  list(@CurrentPrincipal() p: Principal): Promise<RoleListDto> {
    return this.roles.list(p.accountId);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:roles.create' })
  @ApiOperation({
    summary: 'Create a custom role',
    description: 'A named set of rules that users, groups and keys can hold. The caller must hold every action the rules allow.',
  })
  @ApiRefusals({ ...bodyRefusals(`${REFUSED.rules}; or the name is missing or too long`), 403: REFUSED.beyondCaller, 409: NAME_TAKEN })
  @ApiOkResponse({ type: RoleDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(p, body);
  }

  @Get(':role_id')
  @Authenticated({ permission: 'provisioning:roles.read' })
  @ApiOperation({ summary: 'Get a role', description: 'Answers a custom role by its id, or a system role by its name.' })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: RoleDto, description: 'A custom role by id, or a system role by name' })
  get(@CurrentPrincipal() p: Principal, @Param('role_id') id: string): Promise<RoleDto> {
    return this.roles.get(p.accountId, id);
  }

  @Put(':role_id')
  @Authenticated({ permission: 'provisioning:roles.update' })
  @ApiOperation({
    summary: 'Update a custom role',
    description:
      'Changes the fields given; new rules apply to every holder on its next request, so the caller must hold what each holder ' +
      'holds, before and after.',
  })
  @ApiRefusals({
    ...bodyRefusals(`${REFUSED.rules}; or the name is too long`),
    403: `${SYSTEM_READ_ONLY}. ${REFUSED.beyondCaller}`,
    404: NOT_FOUND,
    409: NAME_TAKEN,
  })
  @ApiOkResponse({ type: RoleDto })
  update(@CurrentPrincipal() p: Principal, @Param('role_id') id: string, @Body() body: UpdateRoleDto): Promise<RoleDto> {
    return this.roles.update(p, id, body);
  }

  @Delete(':role_id')
  @Authenticated({ permission: 'provisioning:roles.delete' })
  @ApiOperation({ summary: 'Delete a custom role', description: 'Deletes a role that nobody holds.' })
  @ApiRefusals({ 403: SYSTEM_READ_ONLY, 404: NOT_FOUND, 409: 'A user, group or key holds the role; the message names one' })
  @ApiOkResponse({ type: OkMessageDto })
  delete(@CurrentPrincipal() p: Principal, @Param('role_id') id: string): Promise<OkMessageDto> {
    return this.roles.delete(p.accountId, id);
  }
}

import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { UserGroupService } from './user-group.service.js';
import {
  DeletedGroupDto,
  GroupDetailsQueryDto,
  GroupNameDto,
  GroupPermissionsDto,
  GroupPermissionsInputDto,
  GroupUsersDto,
  UserGroupDto,
  UserGroupListDto,
  UserGroupsOfUserDto,
} from './dto/group.dto.js';

@ApiTags('User groups')
@Controller('v1_1/provisioning/accounts/:account_id/user_groups')
export class UserGroupController {
  constructor(private readonly groups: UserGroupService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOkResponse({ type: UserGroupListDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: GroupDetailsQueryDto): Promise<UserGroupListDto> {
    return this.groups.list(p.accountId, query.extended_details);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:user_groups.create' })
  @ApiOkResponse({ type: UserGroupDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: GroupNameDto): Promise<UserGroupDto> {
    return this.groups.create(p.accountId, body);
  }

  @Get(':group_id')
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOkResponse({ type: UserGroupDto })
  get(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Query() query: GroupDetailsQueryDto): Promise<UserGroupDto> {
    return this.groups.get(p.accountId, id, query.extended_details);
  }

  @Put(':group_id')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOkResponse({ type: UserGroupDto, description: 'The official SDK sends a form body' })
  update(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Body() body: GroupNameDto): Promise<UserGroupDto> {
    return this.groups.update(p.accountId, id, body);
  }

  @Delete(':group_id')
  @Authenticated({ permission: 'provisioning:user_groups.delete' })
  @ApiOkResponse({ type: DeletedGroupDto })
  delete(@CurrentPrincipal() p: Principal, @Param('group_id') id: string): Promise<DeletedGroupDto> {
    return this.groups.delete(p, id);
  }

  @Get(':group_id/users')
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOkResponse({ type: GroupUsersDto })
  members(@CurrentPrincipal() p: Principal, @Param('group_id') id: string): Promise<GroupUsersDto> {
    return this.groups.members(p.accountId, id);
  }

  @Post(':group_id/users/:user_id')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOkResponse({ type: GroupUsersDto, description: 'Every member; adding a member twice changes nothing' })
  addMember(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Param('user_id') userId: string): Promise<GroupUsersDto> {
    return this.groups.addMember(p, id, userId);
  }

  @Delete(':group_id/users/:user_id')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOkResponse({ type: GroupUsersDto, description: 'The remaining members' })
  removeMember(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Param('user_id') userId: string): Promise<GroupUsersDto> {
    return this.groups.removeMember(p, id, userId);
  }

  @Get(':group_id/permissions')
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOkResponse({ type: GroupPermissionsDto })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('group_id') id: string): Promise<GroupPermissionsDto> {
    return this.groups.permissions(p.accountId, id);
  }

  @Put(':group_id/permissions')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOkResponse({ type: GroupPermissionsDto, description: 'What the group now grants its members' })
  putPermissions(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Body() body: GroupPermissionsInputDto): Promise<GroupPermissionsDto> {
    return this.groups.replacePermissions(p, id, body);
  }
}

/** `/users/:user_id/groups`: the groups of one user, beside the users module's own routes. */
@ApiTags('User groups')
@Controller('v1_1/provisioning/accounts/:account_id/users/:user_id/groups')
export class UserGroupsOfUserController {
  constructor(private readonly groups: UserGroupService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOkResponse({ type: UserGroupsOfUserDto })
  list(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string): Promise<UserGroupsOfUserDto> {
    return this.groups.groupsOfUser(p.accountId, userId);
  }
}

import { Body, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, ProvisioningController, REFUSED } from '@castellan/core';
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

const NOT_FOUND = 'No user group with this id in this account';
const NO_MEMBER = 'No user group with this id in this account, or no user with this id';
const INVALID_NAME = 'name missing or over 255 characters';
const EXTENDED = '`extended_details=true` adds the members and the timestamps.';

@ApiTags('User groups')
@ProvisioningController('user_groups')
export class UserGroupController {
  constructor(private readonly groups: UserGroupService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOperation({
    summary: 'List user groups',
    description: `Answers \`{user_groups:[{id, name}]}\`. ${EXTENDED} Cloudinary SDK: \`user_groups\`.`,
  })
  @ApiRefusals({ 400: 'extended_details is not a boolean' })
  @ApiOkResponse({ type: UserGroupListDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: GroupDetailsQueryDto): Promise<UserGroupListDto> {
    return this.groups.list(p.accountId, query.extended_details);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:user_groups.create' })
  @ApiOperation({ summary: 'Create a user group', description: 'Answers `{id, name}`. Cloudinary SDK: `create_user_group`.' })
  @ApiRefusals(bodyRefusals(INVALID_NAME))
  @ApiOkResponse({ type: UserGroupDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: GroupNameDto): Promise<UserGroupDto> {
    return this.groups.create(p.accountId, body);
  }

  @Get(':group_id')
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOperation({ summary: 'Get a user group', description: `Answers \`{id, name}\`. ${EXTENDED} Cloudinary SDK: \`user_group\`.` })
  @ApiRefusals({ 400: 'extended_details is not a boolean', 404: NOT_FOUND })
  @ApiOkResponse({ type: UserGroupDto })
  get(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Query() query: GroupDetailsQueryDto): Promise<UserGroupDto> {
    return this.groups.get(p.accountId, id, query.extended_details);
  }

  @Put(':group_id')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOperation({ summary: 'Rename a user group', description: 'Cloudinary SDK: `update_user_group`, which sends a form body.' })
  @ApiRefusals({ ...bodyRefusals(INVALID_NAME), 404: NOT_FOUND })
  @ApiOkResponse({ type: UserGroupDto, description: 'The official SDK sends a form body' })
  update(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Body() body: GroupNameDto): Promise<UserGroupDto> {
    return this.groups.update(p.accountId, id, body);
  }

  @Delete(':group_id')
  @Authenticated({ permission: 'provisioning:user_groups.delete' })
  @ApiOperation({
    summary: 'Delete a user group',
    description: "Its members lose what it granted. Answers `{ok: true}`, as Cloudinary's does. Cloudinary SDK: `delete_user_group`.",
  })
  @ApiRefusals({ 403: REFUSED.beyondCaller, 404: NOT_FOUND })
  @ApiOkResponse({ type: DeletedGroupDto })
  delete(@CurrentPrincipal() p: Principal, @Param('group_id') id: string): Promise<DeletedGroupDto> {
    return this.groups.delete(p, id);
  }

  @Get(':group_id/users')
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOperation({
    summary: "List a user group's members",
    description: 'Answers `{users:[{id, name, email}]}`, in the order they were added. Cloudinary SDK: `user_group_users`.',
  })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: GroupUsersDto })
  members(@CurrentPrincipal() p: Principal, @Param('group_id') id: string): Promise<GroupUsersDto> {
    return this.groups.members(p.accountId, id);
  }

  @Post(':group_id/users/:user_id')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOperation({
    summary: 'Add a user to a user group',
    description: 'The user gets what the group grants, so the caller must hold that too. Cloudinary SDK: `add_user_to_group`.',
  })
  @ApiRefusals({ 403: REFUSED.beyondCaller, 404: NO_MEMBER })
  @ApiOkResponse({ type: GroupUsersDto, description: 'Every member; adding a member twice changes nothing' })
  addMember(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Param('user_id') userId: string): Promise<GroupUsersDto> {
    return this.groups.addMember(p, id, userId);
  }

  @Delete(':group_id/users/:user_id')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOperation({
    summary: 'Remove a user from a user group',
    description: 'The user loses what the group granted. Cloudinary SDK: `remove_user_from_group`.',
  })
  @ApiRefusals({ 403: REFUSED.beyondCaller, 404: `${NO_MEMBER} among its members` })
  @ApiOkResponse({ type: GroupUsersDto, description: 'The remaining members' })
  removeMember(@CurrentPrincipal() p: Principal, @Param('group_id') id: string, @Param('user_id') userId: string): Promise<GroupUsersDto> {
    return this.groups.removeMember(p, id, userId);
  }

  @Get(':group_id/permissions')
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOperation({
    summary: "Get a user group's permissions",
    description: 'Answers `{roles, rules}`: the custom roles and the rules the group grants each of its members.',
  })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: GroupPermissionsDto })
  getPermissions(@CurrentPrincipal() p: Principal, @Param('group_id') id: string): Promise<GroupPermissionsDto> {
    return this.groups.permissions(p.accountId, id);
  }

  @Put(':group_id/permissions')
  @Authenticated({ permission: 'provisioning:user_groups.update' })
  @ApiOperation({
    summary: "Replace a user group's permissions",
    description: 'Replaces the custom `roles` and the `rules` the group grants, which apply to every member on its next request.',
  })
  @ApiRefusals({
    ...bodyRefusals(`${REFUSED.rules}; or a system role in roles (system roles are for users)`),
    403: REFUSED.beyondCaller,
    404: `${NOT_FOUND}, or no custom role with an id in roles`,
  })
  @ApiOkResponse({ type: GroupPermissionsDto, description: 'What the group now grants its members' })
  putPermissions(
    @CurrentPrincipal() p: Principal,
    @Param('group_id') id: string,
    @Body() body: GroupPermissionsInputDto,
  ): Promise<GroupPermissionsDto> {
    return this.groups.replacePermissions(p, id, body);
  }
}

/** `/users/:user_id/groups`: the groups of one user, beside the users module's own routes. */
@ApiTags('User groups')
@ProvisioningController('users/:user_id/groups')
export class UserGroupsOfUserController {
  constructor(private readonly groups: UserGroupService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:user_groups.read' })
  @ApiOperation({ summary: "List a user's groups", description: 'Answers `{groups:[{id, name}]}`: the groups the user is a member of.' })
  @ApiRefusals({ 404: 'No user with this id in this account' })
  @ApiOkResponse({ type: UserGroupsOfUserDto })
  list(@CurrentPrincipal() p: Principal, @Param('user_id') userId: string): Promise<UserGroupsOfUserDto> {
    return this.groups.groupsOfUser(p.accountId, userId);
  }
}

import { Body, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, OkMessageDto, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { UserService } from './user.service.js';
import { CreateUserDto, ListUsersDto, UpdateUserDto, UserDto, UserEnvironmentListDto, UserListDto } from './dto/user.dto.js';

const NOT_FOUND = 'No user with this id in this account';
const INVALID =
  'A field breaks its rule: name or email missing (on create) or too long, an unknown role, both sub_account_ids and ' +
  'all_sub_accounts given';
const LAST_MASTER_ADMIN = "the account's last enabled master_admin, which an account must keep";

@ApiTags('Users')
@ProvisioningController('users')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:users.read' })
  @ApiOperation({
    summary: 'List users',
    description:
      'Answers `{users:[…], total}`. The filters combine: `ids` and `emails` (at most 100 each), `pending`, `prefix` (of the name ' +
      'or email), `sub_account_id`, and `last_login` with `from` and `to` (yyyy-mm-dd). `sort_by` is `name`, `role`, `status`, ' +
      '`activity` or `created_at` (the default); `page_size` is 1–1000. Cloudinary SDK: `users`.',
  })
  @ApiRefusals({
    400: 'A filter breaks its rule: over 100 ids or emails, a date that is not yyyy-mm-dd, from after to, an unknown sort_by',
    404: 'No product environment with the sub_account_id in this account',
  })
  @ApiOkResponse({ type: UserListDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListUsersDto): Promise<UserListDto> {
    return this.users.list(principal.accountId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:users.create' })
  @ApiOperation({
    summary: 'Create a user',
    description:
      '`name` and `email` (unique in the account, in any case) are required. `role` defaults to `media_library_user`; the user ' +
      'reaches the environments of `sub_account_ids`, or all of them. The caller must hold everything the user will. The user ' +
      'is mailed an invitation to choose a password (unless created disabled); a mail that fails leaves the user created, and ' +
      'POST …/users/{user_id}/invitation sends another. Cloudinary SDK: `create_user`.',
  })
  @ApiRefusals({
    ...bodyRefusals(INVALID),
    403: REFUSED.beyondCaller,
    404: 'No product environment of sub_account_ids, or no role of custom_roles, in this account',
    409: 'A user of the account has this email',
  })
  @ApiOkResponse({ type: UserDto, description: 'The new user, pending until they accept their invitation or first sign in' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(principal, body);
  }

  @Get(':user_id')
  @Authenticated({ permission: 'provisioning:users.read' })
  @ApiOperation({ summary: 'Get a user', description: 'Answers the user. Cloudinary SDK: `user`.' })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: UserDto })
  get(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string): Promise<UserDto> {
    return this.users.get(principal.accountId, id);
  }

  @Put(':user_id')
  @Authenticated({ permission: 'provisioning:users.update' })
  @ApiOperation({
    summary: 'Update a user',
    description:
      "Changes the fields given; a new role or reach applies to the user's keys on their next request. The caller must hold " +
      'everything the user holds, before and after. Cloudinary SDK: `update_user`.',
  })
  @ApiRefusals({
    ...bodyRefusals(INVALID),
    403: REFUSED.beyondCaller,
    404: `${NOT_FOUND}, or no product environment or custom role it names`,
    409: `Another user of the account has this email, or the change would demote or disable ${LAST_MASTER_ADMIN}`,
  })
  @ApiOkResponse({ type: UserDto })
  update(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(principal, id, body);
  }

  @Delete(':user_id')
  @Authenticated({ permission: 'provisioning:users.delete' })
  @ApiOperation({
    summary: 'Delete a user',
    description: 'Deletes the user and its keys, which stop working on the next request. Cloudinary SDK: `delete_user`.',
  })
  @ApiRefusals({ 403: REFUSED.beyondCaller, 404: NOT_FOUND, 409: `The user is ${LAST_MASTER_ADMIN}` })
  @ApiOkResponse({ type: OkMessageDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string): Promise<OkMessageDto> {
    return this.users.delete(principal, id);
  }

  @Get(':user_id/sub_accounts')
  @Authenticated({ permission: 'provisioning:users.read' })
  @ApiOperation({
    summary: "List a user's product environments",
    description: 'Answers `{sub_accounts:[{id, name, description, cloud_name, enabled}]}`: those the user reaches, and the caller too.',
  })
  @ApiRefusals({ 404: NOT_FOUND })
  @ApiOkResponse({ type: UserEnvironmentListDto, description: 'The product environments the user reaches, among those the caller reaches' })
  environments(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string): Promise<UserEnvironmentListDto> {
    return this.users.environmentsOf(principal, id);
  }
}

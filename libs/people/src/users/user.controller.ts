import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, OkMessageDto } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { UserService } from './user.service.js';
import { CreateUserDto, ListUsersDto, UpdateUserDto, UserDto, UserEnvironmentListDto, UserListDto } from './dto/user.dto.js';

@ApiTags('Users')
@Controller('v1_1/provisioning/accounts/:account_id/users')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:users.read' })
  @ApiOkResponse({ type: UserListDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListUsersDto): Promise<UserListDto> {
    return this.users.list(principal.accountId, query);
  }

  @Post()
  @Authenticated({ permission: 'provisioning:users.create' })
  @ApiOkResponse({ type: UserDto, description: 'The new user, pending until first sign-in' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(principal, body);
  }

  @Get(':user_id')
  @Authenticated({ permission: 'provisioning:users.read' })
  @ApiOkResponse({ type: UserDto })
  get(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string): Promise<UserDto> {
    return this.users.get(principal.accountId, id);
  }

  @Put(':user_id')
  @Authenticated({ permission: 'provisioning:users.update' })
  @ApiOkResponse({ type: UserDto })
  update(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(principal, id, body);
  }

  @Delete(':user_id')
  @Authenticated({ permission: 'provisioning:users.delete' })
  @ApiOkResponse({ type: OkMessageDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string): Promise<OkMessageDto> {
    return this.users.delete(principal, id);
  }

  @Get(':user_id/sub_accounts')
  @Authenticated({ permission: 'provisioning:users.read' })
  @ApiOkResponse({ type: UserEnvironmentListDto, description: 'The product environments the user reaches, among those the caller reaches' })
  environments(@CurrentPrincipal() principal: Principal, @Param('user_id') id: string): Promise<UserEnvironmentListDto> {
    return this.users.environmentsOf(principal, id);
  }
}

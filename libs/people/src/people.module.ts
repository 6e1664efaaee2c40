import { Global, Module } from '@nestjs/common';
import { USER_PRIVILEGES } from '@castellan/core';
import { CredentialsModule } from '@castellan/credentials';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserGroupMemberEntity } from './groups/user-group-member.entity.js';
import { UserGroupEntity } from './groups/user-group.entity.js';
import { RoleAssignmentEntity } from './roles/role-assignment.entity.js';
import { RoleEntity } from './roles/role.entity.js';
import { UserEnvironmentEntity } from './users/user-environment.entity.js';
import { UserEntity } from './users/user.entity.js';
import { GroupsModule } from './groups/groups.module.js';
import { RolesModule } from './roles/roles.module.js';
import { UsersModule } from './users/users.module.js';
import { UserPrivilegesService } from './privileges/user-privileges.service.js';
import { UserHoldingsPartModule } from './privileges/user-holdings.part.js';

const PEOPLE_ENTITIES = [UserEntity, UserEnvironmentEntity, UserGroupEntity, UserGroupMemberEntity, RoleEntity, RoleAssignmentEntity];

/**
 * Users, user groups and custom roles, and what they entitle a user's keys to. Each part mounts its own
 * routes. Global only for USER_PRIVILEGES, which authentication (libs/credentials) needs without depending on
 * people; the parts' services are imported through their modules.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(PEOPLE_ENTITIES), CredentialsModule, UsersModule, GroupsModule, RolesModule, UserHoldingsPartModule],
  providers: [UserPrivilegesService, { provide: USER_PRIVILEGES, useExisting: UserPrivilegesService }],
  exports: [USER_PRIVILEGES],
})
export class PeopleModule {}

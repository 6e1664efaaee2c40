import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { RolesModule } from '../roles/roles.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserGroupController, UserGroupsOfUserController } from './user-group.controller.js';
import { UserGroupMemberEntity } from './user-group-member.entity.js';
import { UserGroupEntity } from './user-group.entity.js';
import { UserGroupRepository } from './user-group.repository.js';
import { UserGroupService } from './user-group.service.js';

/** User groups (`/user_groups`), their members, and the custom roles and rules they grant. */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserGroupEntity, UserGroupMemberEntity]),
    AccountsModule,
    CredentialsModule,
    RolesModule,
    UsersModule,
  ],
  providers: [UserGroupRepository, UserGroupService],
  controllers: [UserGroupController, UserGroupsOfUserController],
  exports: [UserGroupRepository, UserGroupService],
})
export class GroupsModule {}

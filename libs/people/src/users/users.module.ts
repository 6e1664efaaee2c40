import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { RoleEntity } from '../roles/role.entity.js';
import { RolesModule } from '../roles/roles.module.js';
import { UserEnvironmentEntity } from './user-environment.entity.js';
import { UserEntity } from './user.entity.js';
import { UserController } from './user.controller.js';
import { UserDirectory } from './user-directory.js';
import { UserRepository } from './user.repository.js';
import { UserService } from './user.service.js';

/** Users of an account: the /users routes, and the repository other parts use to check users exist. */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, UserEnvironmentEntity, RoleEntity]),
    AccountsModule,
    EnvironmentsModule,
    CredentialsModule,
    RolesModule,
  ],
  controllers: [UserController],
  providers: [UserRepository, { provide: UserDirectory, useExisting: UserRepository }, UserService],
  exports: [UserRepository, UserDirectory, UserService],
})
export class UsersModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { RoleAssignmentEntity } from './role-assignment.entity.js';
import { RoleEntity } from './role.entity.js';
import { RoleController } from './role.controller.js';
import { RoleRepository } from './role.repository.js';
import { RoleAssignmentRepository } from './role-assignment.repository.js';
import { KeyRoles } from './key-roles.js';
import { RoleService } from './role.service.js';

/** Custom roles (`/roles`) and their assignments to users, groups and keys. */
@Module({
  imports: [TypeOrmModule.forFeature([RoleEntity, RoleAssignmentEntity]), AccountsModule, CredentialsModule],
  providers: [RoleRepository, RoleAssignmentRepository, RoleService, KeyRoles],
  controllers: [RoleController],
  exports: [RoleRepository, RoleAssignmentRepository, RoleService, KeyRoles],
})
export class RolesModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentEntity } from './environment.entity.js';
import { EnvironmentRepository } from './environment.repository.js';
import { EnvironmentStatePartModule } from './environment-state.part.js';
import { EnvironmentService } from './environment.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([EnvironmentEntity]), AccountsModule, CredentialsModule, EnvironmentStatePartModule],
  providers: [EnvironmentRepository, EnvironmentService],
  exports: [EnvironmentRepository, EnvironmentService],
})
export class EnvironmentsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentController } from './environment.controller.js';
import { EnvironmentEntity } from './environment.entity.js';
import { EnvironmentDirectory } from './environment-directory.js';
import { EnvironmentRepository } from './environment.repository.js';
import { EnvironmentStatePartModule } from './environment-state.part.js';
import { EnvironmentService } from './environment.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([EnvironmentEntity]), AccountsModule, CredentialsModule, EnvironmentStatePartModule],
  controllers: [EnvironmentController],
  providers: [EnvironmentRepository, { provide: EnvironmentDirectory, useExisting: EnvironmentRepository }, EnvironmentService],
  exports: [EnvironmentDirectory, EnvironmentService],
})
export class EnvironmentsModule {}

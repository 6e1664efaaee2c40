import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsModule } from '@castellan/credentials';
import { AccountEntity } from './account.entity.js';
import { AccountRepository } from './account.repository.js';
import { AccountService } from './account.service.js';
import { SystemEventEntity } from './system-event.entity.js';

/** Providers only: the API app mounts the controller, and the CLI uses the service without HTTP. */
@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, SystemEventEntity]), CredentialsModule],
  providers: [AccountRepository, AccountService],
  exports: [AccountRepository, AccountService],
})
export class AccountsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsModule } from '@castellan/credentials';
import { AccountEntity } from './account.entity.js';
import { AccountController } from './account.controller.js';
import { AccountRepository } from './account.repository.js';
import { AccountService } from './account.service.js';
import { AccountTransactions } from './account-transactions.js';
import { SystemEventEntity } from './system-event.entity.js';

/** Accounts (`/accounts`), and the account lock every per-account invariant takes (AccountTransactions). */
@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, SystemEventEntity]), CredentialsModule],
  controllers: [AccountController],
  providers: [AccountRepository, AccountService, AccountTransactions],
  exports: [AccountService, AccountTransactions],
})
export class AccountsModule {}

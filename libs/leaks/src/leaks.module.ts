import { Module } from '@nestjs/common';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { AuditModule } from '@castellan/audit';
import { LeakController } from './leak.controller.js';
import { LeakService } from './leak.service.js';

/** Leak response (`/leaks`): disables keys whose secrets are reported, and records it in the audit log. */
@Module({
  imports: [CredentialsModule, AccountsModule, AuditModule],
  controllers: [LeakController],
  providers: [LeakService],
  exports: [LeakService],
})
export class LeaksModule {}

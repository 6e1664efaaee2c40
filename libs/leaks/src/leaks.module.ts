import { Module } from '@nestjs/common';
import { AccountsModule } from '@castellan/accounts';
import { CredentialsModule } from '@castellan/credentials';
import { LeakService } from './leak.service.js';

/** Leak response. Uses the global AuditModule's AuditRecorder. Providers only: the API app mounts the controller. */
@Module({
  imports: [CredentialsModule, AccountsModule],
  providers: [LeakService],
  exports: [LeakService],
})
export class LeaksModule {}

import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUDIT_SINK } from '@castellan/core';
import { CredentialsModule } from '@castellan/credentials';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditRecorder } from './audit-recorder.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

const AUDIT_ENTITIES = [AuditEventEntity];

/**
 * The audit log (`/audit_events`): records every change as one of the ChangeObservers, and failed
 * authentications and refusals through AUDIT_SINK. Global only for AUDIT_SINK, which the access guard
 * (libs/credentials) needs without depending on this library; the recorder is imported like any service.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES), CredentialsModule],
  controllers: [AuditController],
  providers: [AuditEventRepository, AuditRecorder, AuditService, { provide: AUDIT_SINK, useExisting: AuditRecorder }],
  exports: [AUDIT_SINK, AuditRecorder],
})
export class AuditModule {}

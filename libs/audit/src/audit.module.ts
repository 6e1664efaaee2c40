import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUDIT_SINK } from '@castellan/core';
import { CredentialsModule } from '@castellan/credentials';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditRecorder } from './audit-recorder.js';
import { AuditService } from './audit.service.js';

export const AUDIT_ENTITIES = [AuditEventEntity];

/**
 * The audit log: records every change as one of the ChangeObservers, and failed authentications and
 * refusals through AUDIT_SINK. Global, so that the access guard (libs/credentials) finds AUDIT_SINK without
 * depending on this library. Providers only: the API app mounts the controller.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES), CredentialsModule],
  providers: [
    AuditEventRepository,
    AuditRecorder,
    AuditService,
    { provide: AUDIT_SINK, useExisting: AuditRecorder },
  ],
  exports: [AUDIT_SINK, AuditRecorder, AuditService],
})
export class AuditModule {}

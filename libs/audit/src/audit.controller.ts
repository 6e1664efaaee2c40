import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AuditService } from './audit.service.js';
import { AuditEventListDto, ListAuditEventsDto } from './dto/audit-event.dto.js';

@ApiTags('Audit log')
@Controller('v1_1/provisioning/accounts/:account_id/audit_events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:audit_events.read' })
  @ApiOkResponse({ type: AuditEventListDto, description: 'Changes, refused changes and failed authentications of this account, newest first' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditEventsDto): Promise<AuditEventListDto> {
    return this.audit.list(principal.accountId, query);
  }
}

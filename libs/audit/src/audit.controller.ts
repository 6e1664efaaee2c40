import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, CurrentPrincipal, ProvisioningController } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AuditService } from './audit.service.js';
import { AuditEventListDto, ListAuditEventsDto } from './dto/audit-event.dto.js';

@ApiTags('Audit log')
@ProvisioningController('audit_events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:audit_events.read' })
  @ApiOperation({
    summary: "Read the account's audit log",
    description:
      'Answers `{events:[…], next_cursor}`, newest first: every change, refused ones included, and every failed authentication. ' +
      'Filters: `from` and `to` (UTC dates or date-times), `actor` (an api_key), `action`, `target` (a record id). ' +
      '`page_size` is 1–200 (default 50); pass `next_cursor` as `cursor` for the next page. No body or secret is ever recorded.',
  })
  @ApiRefusals({ 400: 'A filter breaks its rule: a date that is not ISO-8601, from after to, an actor that is no api_key, a bad cursor' })
  @ApiOkResponse({
    type: AuditEventListDto,
    description: 'Changes, refused changes and failed authentications of this account, newest first',
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditEventsDto): Promise<AuditEventListDto> {
    return this.audit.list(principal.accountId, query);
  }
}

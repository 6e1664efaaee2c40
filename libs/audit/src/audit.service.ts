import { Injectable } from '@nestjs/common';
import { AppError, isoSeconds, ReplicaReader } from '@castellan/core';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditEventFilter, AuditEventRepository } from './audit-event.repository.js';
import { auditIdFloor } from './audit-id.js';
import { AuditEventDto, AuditEventListDto, DEFAULT_AUDIT_PAGE_SIZE, ListAuditEventsDto } from './dto/audit-event.dto.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * An instant from a validated ISO string, and how long the precision it was given at lasts (a day, a second
 * or a millisecond). Refuses calendar dates that do not exist, such as 2026-02-30.
 */
function parseInstant(field: string, value: string): { ms: number; span: number } {
  const [date, time] = value.split('T') as [string, string | undefined];
  const zoned = time === undefined ? `${date}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(time) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(ms) || calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) {
    throw AppError.invalid(`${field} must be an ISO-8601 date or date-time`);
  }
  const clock = time?.replace(/(Z|[+-]\d{2}:\d{2})$/, '');
  const span = clock === undefined ? DAY_MS : clock.includes('.') ? 1 : clock.split(':').length === 2 ? 60_000 : 1000;
  return { ms, span };
}

@Injectable()
export class AuditService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly replicas: ReplicaReader,
  ) {}

  /** The account's events, newest first, a page at a time. */
  async list(accountId: string, query: ListAuditEventsDto): Promise<AuditEventListDto> {
    const filter: AuditEventFilter = { actorApiKey: query.actor, action: query.action, targetId: query.target, cursor: query.cursor };
    const from = query.from !== undefined ? parseInstant('from', query.from) : undefined;
    const to = query.to !== undefined ? parseInstant('to', query.to) : undefined;
    if (from && to && from.ms > to.ms + to.span - 1) throw AppError.invalid('from must not be after to');
    if (from) filter.minId = auditIdFloor(from.ms);
    if (to) filter.belowId = auditIdFloor(to.ms + to.span);
    const pageSize = query.page_size ?? DEFAULT_AUDIT_PAGE_SIZE;
    const rows = await this.replicas.read((replica) => this.events.list(accountId, filter, pageSize + 1, replica));
    const page = rows.slice(0, pageSize);
    return {
      events: page.map(toDto),
      next_cursor: rows.length > pageSize ? page[page.length - 1]!.id : null,
    };
  }
}

function toDto(e: AuditEventEntity): AuditEventDto {
  return {
    id: e.id,
    created_at: isoSeconds(e.createdAt),
    actor: { api_key: e.actorApiKey, kind: e.actorKind, user_id: e.actorUserId },
    ip: e.ip,
    action: e.action,
    target: e.targetType !== null && e.targetId !== null ? { type: e.targetType, id: e.targetId } : null,
    outcome: e.outcome,
    status: e.status,
    reason: e.reason,
  };
}

import { ApiProperty } from '@nestjs/swagger';
import { IntField, StringField } from '@castellan/core';
import { AUDIT_OUTCOMES } from '../audit-event.entity.js';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 200;

/** A date (`2026-11-22`) or a date-time (`2026-11-22T08:00:16Z`, fractions and offsets allowed; UTC when absent). */
export const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const DATE_MESSAGE = '$property must be an ISO-8601 date or date-time';

export class ListAuditEventsDto {
  @StringField({
    maxLength: 40,
    pattern: ISO_DATE_OR_TIME,
    patternMessage: DATE_MESSAGE,
    description: 'Events at or after this instant',
    example: '2026-11-22T08:00:00Z',
  })
  from?: string;

  @StringField({
    maxLength: 40,
    pattern: ISO_DATE_OR_TIME,
    patternMessage: DATE_MESSAGE,
    description:
      'Events up to this instant, inclusive at the precision given: ' +
      'a date includes its whole day, a time without fractions its whole second',
    example: '2026-11-22',
  })
  to?: string;

  @StringField({
    maxLength: 15,
    pattern: /^\d{15}$/,
    patternMessage: '$property must be an api_key (15 digits)',
    description: 'The api_key that acted',
  })
  actor?: string;

  @StringField({
    maxLength: 128,
    description: 'Exact action, e.g. provisioning:sub_accounts.create, or authentication',
    example: 'provisioning:sub_accounts.create',
  })
  action?: string;

  @StringField({ maxLength: 64, description: 'The id of the record changed' })
  target?: string;

  @IntField({ min: 1, max: MAX_AUDIT_PAGE_SIZE, default: DEFAULT_AUDIT_PAGE_SIZE })
  page_size?: number;

  @StringField({
    maxLength: 32,
    pattern: /^[0-9a-f]{32}$/,
    patternMessage: '$property must be the next_cursor of a previous page',
    description: 'next_cursor of the previous page',
  })
  cursor?: string;
}

export class AuditActorDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '814814814814814',
    description: 'The key that acted, or that a failed authentication presented',
  })
  api_key!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['account', 'environment', 'user', 'session'],
    description: "The key's kind, or `session` for a person signed in to the console (then api_key is null); null for an unknown key",
  })
  kind!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "A user key's user, or the signed-in person's user" })
  user_id!: string | null;
}

export class AuditTargetDto {
  @ApiProperty({ example: 'sub_account', enum: ['sub_account', 'key', 'user', 'user_group', 'role'] })
  type!: string;

  @ApiProperty({ example: '2aab6ddd12c2221283d746e96a2e162f' })
  id!: string;
}

export class AuditEventDto {
  @ApiProperty({ example: '0193a1b2c3d4e5f60718293a4b5c6d7e' })
  id!: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  created_at!: string;

  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty({ example: '203.0.113.7' })
  ip!: string;

  @ApiProperty({
    example: 'provisioning:sub_accounts.create',
    description: "The route's permission, or authentication for a refused login",
  })
  action!: string;

  @ApiProperty({ type: AuditTargetDto, nullable: true })
  target!: AuditTargetDto | null;

  @ApiProperty({ enum: AUDIT_OUTCOMES })
  outcome!: string;

  @ApiProperty({ example: 200, description: 'The HTTP status of the answer' })
  status!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'KEY_EXPIRED',
    description:
      'Why a failure failed, where the status does not say it: for authentication one of MISSING_CREDENTIALS, MALFORMED_SECRET, ' +
      'UNKNOWN_KEY, WRONG_SECRET, KEY_DISABLED, KEY_EXPIRED, IP_NOT_ALLOWED, USER_UNAVAILABLE, WRONG_ACCOUNT, ' +
      'or THROTTLED for the failure that started a block; for leak_report LEAKED_SECRET or LEAKED_PREVIOUS_SECRET',
  })
  reason!: string | null;
}

export class AuditEventListDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' })
  events!: AuditEventDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  next_cursor!: string | null;
}

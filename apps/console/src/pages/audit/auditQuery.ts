import { query, type Schemas } from '../../api';

/** One entry of `GET …/audit_events`. */
export type AuditEvent = Schemas['AuditEventDto'];
export type AuditPage = Schemas['AuditEventListDto'];

/** The API's filters, as typed in the form: `from`/`to` are dates (UTC) from date inputs, or ISO date-times. */
export interface AuditFilters {
  action: string;
  actor: string;
  target: string;
  from: string;
  to: string;
}

export const EMPTY_FILTERS: AuditFilters = { action: '', actor: '', target: '', from: '', to: '' };
export const AUDIT_PAGE_SIZE = 50;

/** The API's pattern: a date, or a date-time with optional seconds, fraction and offset. */
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export type AuditFilterErrors = Partial<Record<keyof AuditFilters, string>>;

/** The start of an instant, in ms, as the API reads it (UTC when no offset). */
function instant(value: string): number {
  const [date, time] = value.split('T') as [string, string | undefined];
  if (time === undefined) return Date.parse(`${date}T00:00:00Z`);
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(time) ? value : `${value}Z`);
}

/** How long the precision a value was given at lasts, in ms. */
function span(value: string): number {
  const time = value.split('T')[1];
  if (time === undefined) return 86_400_000;
  const clock = time.replace(/(Z|[+-]\d{2}:\d{2})$/, '');
  return clock.includes('.') ? 1 : clock.split(':').length === 2 ? 60_000 : 1000;
}

export function validateAuditFilters(f: AuditFilters): AuditFilterErrors {
  const errors: AuditFilterErrors = {};
  const actor = f.actor.trim();
  if (actor && !/^\d{15}$/.test(actor)) errors.actor = 'An api_key is 15 digits';
  const from = f.from.trim();
  const to = f.to.trim();
  if (from && (!DATE_OR_TIME.test(from) || Number.isNaN(instant(from)))) errors.from = 'Enter a date (yyyy-mm-dd) or an ISO date-time';
  if (to && (!DATE_OR_TIME.test(to) || Number.isNaN(instant(to)))) errors.to = 'Enter a date (yyyy-mm-dd) or an ISO date-time';
  // `to` is inclusive at its precision: a date includes its whole day, a time without seconds its whole minute.
  if (from && to && !errors.from && !errors.to && instant(from) > instant(to) + span(to) - 1) {
    errors.from = 'From must not be after To';
  }
  if (f.action.trim().length > 128) errors.action = 'At most 128 characters';
  if (f.target.trim().length > 64) errors.target = 'At most 64 characters';
  return errors;
}

/** The query string of one page: the filters that are set, trimmed, and the cursor of the page before. */
export function auditQuery(f: AuditFilters, cursor?: string | null, pageSize = AUDIT_PAGE_SIZE): string {
  return query({
    action: f.action.trim(),
    actor: f.actor.trim(),
    target: f.target.trim(),
    from: f.from.trim(),
    to: f.to.trim(),
    page_size: pageSize,
    cursor: cursor ?? undefined,
  });
}

/** Pages appended after "Load more": an event already shown (a repeated page) is not shown twice. */
export function appendEvents(shown: AuditEvent[], page: AuditEvent[]): AuditEvent[] {
  const seen = new Set(shown.map((e) => e.id));
  return [...shown, ...page.filter((e) => !seen.has(e.id))];
}

/** Words for the target's type. */
export const TARGET_TYPES: Record<Schemas['AuditTargetDto']['type'], string> = {
  sub_account: 'Product environment',
  key: 'Key',
  user: 'User',
  user_group: 'Group',
  role: 'Role',
};

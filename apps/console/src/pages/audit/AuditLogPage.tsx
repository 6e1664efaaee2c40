import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, type Schemas } from '../../api';
import { DateTime, Empty, ErrorMessage, Field, Loading } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useSession } from '../../session';
import { userPath } from '../people/UsersPage';
import './audit.css';
import {
  appendEvents,
  type AuditEvent,
  type AuditFilterErrors,
  type AuditFilters,
  type AuditPage,
  auditQuery,
  EMPTY_FILTERS,
  TARGET_TYPES,
  validateAuditFilters,
} from './auditQuery';

/** Actions that are not a route's permission. */
const OTHER_ACTIONS = [
  { name: 'authentication', description: 'A refused authentication' },
  { name: 'leak_report', description: 'A leaked secret reported' },
];

const OUTCOMES: Record<AuditEvent['outcome'], string> = { success: 'Success', failure: 'Failure' };

/**
 * A name made of parts (`provisioning:access_keys.permissions.update`, `KEY_DISABLED`), which wraps only after a
 * separator: never inside a word.
 */
function Token({ text, className }: { text: string; className?: string }) {
  const parts = text.split(/(?<=[:._])/);
  return <code className={className}>{parts.flatMap((part, i) => (i ? [<wbr key={i} />, part] : [part]))}</code>;
}

interface Listing {
  events: AuditEvent[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
}

/** `#/audit`: changes, refused changes and failed authentications, newest first, a page at a time. */
export function AuditLogPage() {
  const { api, accountPath, can } = useSession();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_FILTERS);
  const [errors, setErrors] = useState<AuditFilterErrors>({});
  const [generation, setGeneration] = useState(0);
  const [listing, setListing] = useState<Listing>({ events: [], nextCursor: null, loading: true, loadingMore: false, error: null });
  // Answers to an older filter or refresh are dropped.
  const requestId = useRef(0);

  const catalog = useLoad(() => api.get<Schemas['CatalogDto']>('/v1_1/permissions/catalog').catch(() => null), [api]);
  const actions = useMemo(() => {
    const provisioning = catalog.data?.plugins.find((p) => p.name === 'provisioning')?.actions ?? [];
    return [...provisioning, ...OTHER_ACTIONS];
  }, [catalog.data]);
  const describe = useCallback((action: string) => actions.find((a) => a.name === action)?.description ?? null, [actions]);

  const path = `${accountPath}/audit_events`;
  useEffect(() => {
    const id = ++requestId.current;
    setListing((l) => ({ ...l, loading: true, error: null }));
    api.get<AuditPage>(`${path}${auditQuery(applied)}`).then(
      (page) =>
        id === requestId.current &&
        setListing({ events: page.events, nextCursor: page.next_cursor, loading: false, loadingMore: false, error: null }),
      (e: unknown) =>
        id === requestId.current &&
        setListing({ events: [], nextCursor: null, loading: false, loadingMore: false, error: errorMessage(e) }),
    );
  }, [api, path, applied, generation]);

  const loadMore = async () => {
    const cursor = listing.nextCursor;
    if (!cursor) return;
    const id = requestId.current;
    setListing((l) => ({ ...l, loadingMore: true, error: null }));
    try {
      const page = await api.get<AuditPage>(`${path}${auditQuery(applied, cursor)}`);
      if (id !== requestId.current) return;
      setListing((l) => ({ ...l, events: appendEvents(l.events, page.events), nextCursor: page.next_cursor, loadingMore: false }));
    } catch (e) {
      if (id !== requestId.current) return;
      setListing((l) => ({ ...l, loadingMore: false, error: errorMessage(e) }));
    }
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const problems = validateAuditFilters(draft);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setApplied({ ...draft });
    setGeneration((g) => g + 1);
  };
  const clear = () => {
    setDraft(EMPTY_FILTERS);
    setErrors({});
    setApplied(EMPTY_FILTERS);
    setGeneration((g) => g + 1);
  };
  const filterBy = (patch: Partial<AuditFilters>) => {
    const next = { ...applied, ...patch };
    setDraft(next);
    setErrors({});
    setApplied(next);
  };
  const set = (key: keyof AuditFilters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));
  const filtered = Object.values(applied).some((v) => v.trim() !== '');
  const linkUsers = can('provisioning:users.read');

  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" onClick={() => setGeneration((g) => g + 1)} disabled={listing.loading}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Every change made through the Provisioning API, refused or not, and every failed authentication. Newest first. Times are shown in
        your time zone.
      </p>

      <form className="toolbar" onSubmit={apply} noValidate aria-label="Filter the audit log">
        <Field label="Action" error={errors.action} hint="Exact, e.g. provisioning:sub_accounts.create">
          {(props) => <input {...props} list="audit-actions" value={draft.action} onChange={set('action')} autoComplete="off" size={26} />}
        </Field>
        <datalist id="audit-actions">
          {actions.map((a) => (
            <option key={a.name} value={a.name}>
              {a.description}
            </option>
          ))}
        </datalist>
        <Field label="API key" error={errors.actor} hint="The key that acted (15 digits)">
          {(props) => <input {...props} value={draft.actor} onChange={set('actor')} inputMode="numeric" autoComplete="off" size={17} />}
        </Field>
        <Field label="Target ID" error={errors.target} hint="A key, environment, user… id">
          {(props) => <input {...props} value={draft.target} onChange={set('target')} autoComplete="off" size={16} />}
        </Field>
        <Field label="From" error={errors.from} hint="Day (UTC), inclusive">
          {(props) => <input {...props} type="date" value={draft.from} onChange={set('from')} />}
        </Field>
        <Field label="To" error={errors.to} hint="Day (UTC), inclusive">
          {(props) => <input {...props} type="date" value={draft.to} onChange={set('to')} />}
        </Field>
        <div className="row-actions" style={{ marginBottom: '0.85rem' }}>
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>

      {listing.loading && listing.events.length === 0 ? <Loading what="audit events" /> : null}
      {!listing.loading && !listing.error && listing.events.length === 0 ? (
        <Empty>{filtered ? 'No audit events match these filters.' : 'No audit events yet.'}</Empty>
      ) : null}
      {listing.events.length > 0 ? (
        <div className="table-scroll">
          <table className="audit-table" aria-busy={listing.loading || undefined}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Actor and address</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {listing.events.map((event) => (
                <EventRow key={event.id} event={event} description={describe(event.action)} linkUsers={linkUsers} filterBy={filterBy} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage message={listing.error} />
      {listing.events.length > 0 ? (
        <div className="pager">
          <span className="muted" role="status" aria-live="polite">
            {listing.events.length} {listing.events.length === 1 ? 'event' : 'events'} shown
            {listing.nextCursor ? '' : ', the oldest included'}
            {listing.loadingMore ? '; loading more…' : ''}
          </span>
          {listing.nextCursor ? (
            <button type="button" onClick={() => void loadMore()} disabled={listing.loadingMore || listing.loading}>
              Load more
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function EventRow({
  event,
  description,
  linkUsers,
  filterBy,
}: {
  event: AuditEvent;
  description: string | null;
  /** Whether the key may read users, and so open a user's page. */
  linkUsers: boolean;
  filterBy: (patch: Partial<AuditFilters>) => void;
}) {
  const { target, actor } = event;
  return (
    <tr data-event-id={event.id} data-action={event.action} data-target-id={target?.id ?? undefined}>
      <td>
        <DateTime value={event.created_at} />
      </td>
      <td>
        <Token text={event.action} />
        {description ? <span className="block muted">{description}</span> : null}
      </td>
      <td>
        {target ? (
          <>
            <span className="muted">{TARGET_TYPES[target.type] ?? target.type} </span>
            {target.type === 'sub_account' ? (
              <Link to={`/environments/${encodeURIComponent(target.id)}`}>
                <code>{target.id}</code>
              </Link>
            ) : (
              <code>{target.id}</code>
            )}
            <button
              type="button"
              className="link-button"
              onClick={() => filterBy({ target: target.id })}
              aria-label={`Only this target: ${target.id}`}
            >
              Only this target
            </button>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {actor.api_key ? (
          <>
            <code>{actor.api_key}</code>
            <button
              type="button"
              className="link-button"
              onClick={() => filterBy({ actor: actor.api_key! })}
              aria-label={`Only this key: ${actor.api_key}`}
            >
              Only this key
            </button>
          </>
        ) : (
          <span className="muted">No key</span>
        )}
        {actor.kind ? (
          <span className="block muted">{actor.kind} key</span>
        ) : actor.api_key ? (
          <span className="block muted">unknown key</span>
        ) : null}
        {actor.user_id ? (
          <span className="block muted">
            user{' '}
            {linkUsers ? (
              <Link to={userPath(actor.user_id)}>
                <code>{actor.user_id}</code>
              </Link>
            ) : (
              <code>{actor.user_id}</code>
            )}
          </span>
        ) : null}
        <span className="block muted">
          from <code className="nowrap">{event.ip}</code>
        </span>
      </td>
      <td>
        <span className={`badge ${event.outcome === 'success' ? 'on' : 'fail'}`}>{OUTCOMES[event.outcome] ?? event.outcome}</span>{' '}
        <span className="muted">{event.status}</span>
        {event.reason ? <Token text={event.reason} className="block" /> : null}
      </td>
    </tr>
  );
}

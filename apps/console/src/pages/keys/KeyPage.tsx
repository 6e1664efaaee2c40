import { Link, useParams } from 'react-router';
import { ApiError, query } from '../../api';
import { DateTime, EnabledBadge, ErrorMessage, LoadState, Loading } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useSession } from '../../session';
import { type ApiKey, isExpired } from '../../keys/keys';
import { type AccessKeyList, type Environment, environmentPath, keyPath, keysPath } from '../environments/types';
import { findKey } from './findKey';
import { UsageChart } from './UsageChart';
import { readUsage } from './usage';
import '../../keys/keys.css';
import './keys.css';

/** `#/environments/:envId/keys/:apiKey`: one environment key's details and its last 7 days of requests. */
export function KeyPage() {
  const { envId = '', apiKey = '' } = useParams();
  const { api, accountPath, can } = useSession();

  const env = useLoad(() => api.get<Environment>(environmentPath(accountPath, envId)), [api, accountPath, envId]);
  const key = useLoad(async () => {
    const found = await findKey(
      (page, pageSize) =>
        api.get<AccessKeyList>(
          `${keysPath(accountPath, envId)}${query({ page, page_size: pageSize, sort_by: 'api_key', sort_order: 'asc' })}`,
        ),
      apiKey,
    );
    if (!found) throw new ApiError(404, `This environment has no API key ${apiKey}.`);
    return found;
  }, [api, accountPath, envId, apiKey]);

  const envBase = `/environments/${encodeURIComponent(envId)}`;
  const name = key.data?.name ?? apiKey;

  return (
    <>
      <nav aria-label="Breadcrumb" className="env-breadcrumb">
        <Link to="/environments">Product environments</Link>
        <span aria-hidden="true"> › </span>
        <Link to={envBase}>{env.data?.name ?? envId}</Link>
        <span aria-hidden="true"> › </span>
        <span aria-current="page">{name}</span>
      </nav>
      <div className="env-head">
        <h1>Key {name}</h1>
        {key.data ? <EnabledBadge enabled={key.data.enabled} /> : null}
        {key.data && isExpired(key.data) ? <span className="badge expired">Expired</span> : null}
        {can('provisioning:access_keys.permissions.read') ? (
          <div className="env-head-actions">
            <Link to={`${envBase}/keys/${encodeURIComponent(apiKey)}/permissions`} className="button-link">
              Permissions
            </Link>
          </div>
        ) : null}
      </div>

      <section className="panel" aria-labelledby="key-details-title">
        <h2 id="key-details-title">Details</h2>
        <LoadState loaded={key} what="the key">
          {(k) => <KeyDetails apiKey={k} />}
        </LoadState>
      </section>

      <section className="panel" aria-labelledby="key-usage-title">
        <h2 id="key-usage-title">Usage</h2>
        <KeyUsageSection envId={envId} apiKey={apiKey} />
      </section>
    </>
  );
}

function KeyDetails({ apiKey: k }: { apiKey: ApiKey }) {
  return (
    <dl className="env-facts key-facts">
      <div>
        <dt>Name</dt>
        <dd>
          {k.name}
          {k.root ? <span className="badge root">Root</span> : null}
        </dd>
      </div>
      <div>
        <dt>API key</dt>
        <dd>
          <code>{k.api_key}</code>
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <EnabledBadge enabled={k.enabled} />
          {isExpired(k) ? <span className="badge expired">Expired</span> : null}
        </dd>
      </div>
      <div>
        <dt>Description</dt>
        <dd>{k.description ?? <span className="muted">—</span>}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <DateTime value={k.created_at} />
        </dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>
          <DateTime value={k.updated_at} />
        </dd>
      </div>
      <div>
        <dt>Last used</dt>
        <dd>
          {k.last_used_at ? (
            <>
              <DateTime value={k.last_used_at} />
              {k.last_used_ip ? (
                <>
                  {' '}
                  from <code>{k.last_used_ip}</code>
                </>
              ) : null}
            </>
          ) : (
            <span className="muted">Never</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd>{k.expires_at ? <DateTime value={k.expires_at} /> : <span className="muted">Never</span>}</dd>
      </div>
      <div>
        <dt>Previous secret works until</dt>
        <dd>
          {k.previous_secret_expires_at ? (
            <DateTime value={k.previous_secret_expires_at} />
          ) : (
            <span className="muted">— (no grace period)</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Allowed IPs</dt>
        <dd>
          {k.allowed_ips?.length ? (
            <ul className="key-ip-list">
              {k.allowed_ips.map((ip) => (
                <li key={ip}>
                  <code>{ip}</code>
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">Anywhere the account allows</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Rate limit</dt>
        <dd>
          {k.rate_limit_per_minute ? (
            `${k.rate_limit_per_minute.toLocaleString()} requests per minute`
          ) : (
            <span className="muted">None of its own</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Dedicated for</dt>
        <dd>{k.dedicated_for?.length ? k.dedicated_for.join(', ') : <span className="muted">—</span>}</dd>
      </div>
    </dl>
  );
}

function KeyUsageSection({ envId, apiKey }: { envId: string; apiKey: string }) {
  const { api, accountPath } = useSession();
  const usage = useLoad(
    async () => readUsage(await api.get<unknown>(`${keyPath(accountPath, envId, apiKey)}/usage`)),
    [api, accountPath, envId, apiKey],
  );
  if (usage.error) {
    return (
      <>
        <ErrorMessage message={`The usage could not be loaded: ${usage.error}`} />
        <button type="button" onClick={usage.reload}>
          Try again
        </button>
      </>
    );
  }
  if (usage.loading && !usage.data) return <Loading what="usage" />;
  if (!usage.data) return null;
  return <UsageChart usage={usage.data} />;
}

import { KeyList } from '../../keys/KeyList';
import { useSession } from '../../session';
import { keysPath } from './types';

/** The environment's access keys: a page of them, and everything that can be done to each. */
export function EnvironmentKeys({ envId }: { envId: string }) {
  const { accountPath } = useSession();
  const base = `/environments/${encodeURIComponent(envId)}/keys`;
  return (
    <section className="panel" aria-labelledby="env-keys-title">
      <KeyList
        resource="access_keys"
        keys={{ path: keysPath(accountPath, envId), nameScope: 'in this environment' }}
        listField="access_keys"
        heading={{ id: 'env-keys-title', title: 'API keys', level: 2 }}
        generateTitle="Generate key"
        sortOrder="desc"
        what="API keys"
        empty="This environment has no API keys."
        detailsTo={(key) => `${base}/${encodeURIComponent(key.api_key)}`}
        permissionsTo={(key) => `${base}/${encodeURIComponent(key.api_key)}/permissions`}
        badges={(key) => (key.dedicated_for?.includes('webhooks') ? <span className="badge dedicated">Webhooks</span> : null)}
      />
    </section>
  );
}

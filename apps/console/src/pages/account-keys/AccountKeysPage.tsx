import { KeyList } from '../../keys/KeyList';
import { useSession } from '../../session';

/** `#/account-keys`: the account's API keys. They are disabled, never deleted; the root key is marked. */
export function AccountKeysPage() {
  const { accountPath } = useSession();
  return (
    <section aria-labelledby="account-keys-title">
      <KeyList
        resource="account_api_keys"
        keys={{ path: `${accountPath}/account_api_keys`, nameScope: 'among the account API keys' }}
        listField="account_api_keys"
        heading={{ id: 'account-keys-title', title: 'Account API keys', level: 1 }}
        generateTitle="Generate an account API key"
        sortOrder="asc"
        what="account API keys"
        permissionsTo={(key) => `/account-keys/${encodeURIComponent(key.api_key)}/permissions`}
      >
        <p className="muted">
          Account API keys call the Provisioning API for the whole account. They are disabled, never deleted, and the account always keeps
          one enabled key.
        </p>
      </KeyList>
    </section>
  );
}

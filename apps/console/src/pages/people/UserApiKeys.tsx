import { KeyList } from '../../keys/KeyList';
import { useSession } from '../../session';
import type { User } from './people';

/** A user's personal API keys: they act with exactly the user's privileges. */
export function UserApiKeys({ user }: { user: User }) {
  const { accountPath } = useSession();
  return (
    <div>
      <KeyList
        resource="user_api_keys"
        keys={{ path: `${accountPath}/users/${encodeURIComponent(user.id)}/api_keys`, nameScope: `among the API keys of ${user.name}` }}
        listField="api_keys"
        heading={{ id: `user-keys-${user.id}`, title: 'API keys', level: 2 }}
        generateTitle={`Generate an API key for ${user.name}`}
        sortOrder="asc"
        what="API keys"
        empty={`${user.name} has no API keys yet.`}
      />
    </div>
  );
}

import { useEffect, useState } from 'react';
import { LoadState } from '../../components/ui';
import { useLoad } from '../../hooks';
import { Navigate } from 'react-router';
import { KeyList } from '../../keys/KeyList';
import type { Profile } from '../../person/wire';
import { useSession } from '../../session';
import { PasswordSection, ProfileDetails, SupportCodeSection, ThemeSection } from './ProfileSections';
import { MySessions } from './MySessions';
import { TwoFactorSection } from './TwoFactorSection';
import './profile.css';

/** `#/profile`: a person's own settings, sessions and API keys. A key has no profile: it goes to the console. */
export function ProfilePage() {
  const { identity } = useSession();
  return identity.kind === 'person' ? <PersonProfile profile={identity.profile} /> : <Navigate to="/" replace />;
}

function PersonProfile({ profile }: { profile: Profile }) {
  const { api, profileChanged } = useSession();
  // The profile read at sign-in may have changed since (in another tab, by an admin): the form starts from a fresh one.
  const fresh = useLoad(() => api.get<Profile>('/v1_1/me'), [api]);
  useEffect(() => {
    if (fresh.data) profileChanged(fresh.data);
  }, [fresh.data, profileChanged]);
  return (
    <>
      <h1>My profile</h1>
      <LoadState loaded={fresh} what="your profile">
        {(initial) => <ProfileParts initial={initial} profile={profile} />}
      </LoadState>
    </>
  );
}

/** `initial` as read when the page opened, for the form; `profile` as it is now (the theme). */
function ProfileParts({ initial, profile }: { initial: Profile; profile: Profile }) {
  const { accountPath, can } = useSession();
  // Changing the password ends the other sessions: the list is read again.
  const [sessionsVersion, setSessionsVersion] = useState(0);
  return (
    <>
      <ProfileDetails profile={initial} />
      <ThemeSection profile={profile} />
      <PasswordSection onChanged={() => setSessionsVersion((v) => v + 1)} />
      <TwoFactorSection />
      <MySessions version={sessionsVersion} />
      {can('provisioning:own_api_keys.read') ? (
        <section className="panel">
          <KeyList
            resource="own_api_keys"
            keys={{ path: `${accountPath}/users/${encodeURIComponent(profile.id)}/api_keys`, nameScope: 'among your API keys' }}
            listField="api_keys"
            heading={{ id: 'my-keys-title', title: 'My API keys', level: 2 }}
            generateTitle="Generate an API key"
            sortOrder="asc"
            what="API keys"
            empty="You have no API keys yet."
          >
            <p className="muted">Your API keys act with your privileges, for scripts and tools: never more than you may do yourself.</p>
          </KeyList>
        </section>
      ) : null}
      <SupportCodeSection email={profile.email} />
    </>
  );
}

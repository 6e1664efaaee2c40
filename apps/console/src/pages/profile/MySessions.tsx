import { DateTime, ErrorMessage, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import type { PersonSession } from '../../person/wire';
import { useSession } from '../../session';

const METHODS: Record<PersonSession['method'], string> = {
  password: 'Password',
  saml: 'Single sign-on',
  break_glass: 'Break-glass password',
};

/** My live sessions, this one marked; ending this one signs out. `version` changes when they may have changed. */
export function MySessions({ version }: { version: number }) {
  const { api, signOut } = useSession();
  const sessions = useLoad(() => api.get<{ sessions: PersonSession[] }>('/v1_1/me/sessions'), [api, version]);
  const end = useAction();

  const endSession = async (session: PersonSession) => {
    if ((await end.run(() => api.delete(`/v1_1/me/sessions/${encodeURIComponent(session.id)}`))) === undefined) return;
    if (session.current) await signOut();
    else sessions.reload();
  };

  return (
    <section className="panel" aria-labelledby="profile-sessions-title">
      <h2 id="profile-sessions-title">My sessions</h2>
      <p className="muted">Where you are signed in to the console. End a session you do not recognise, then change your password.</p>
      <ErrorMessage message={end.error} />
      <LoadState loaded={sessions} what="your sessions">
        {({ sessions: list }) => (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Browser</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last active</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((session) => (
                  <tr key={session.id} data-session-id={session.id}>
                    <th scope="row" className="session-browser">
                      {session.current ? <span className="badge self">This session</span> : null}
                      <span className="block wrap-anywhere">{session.user_agent || 'Unknown browser'}</span>
                      <span className="block muted">
                        from <code>{session.ip}</code>
                      </span>
                    </th>
                    <td>
                      <DateTime value={session.created_at} />
                      <span className="block muted">{METHODS[session.method]}</span>
                    </td>
                    <td>
                      <DateTime value={session.last_seen_at} />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="danger-outline"
                        disabled={end.busy}
                        aria-label={session.current ? 'End this session (signs you out here)' : `End the session from ${session.ip}`}
                        onClick={() => void endSession(session)}
                      >
                        End
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
    </section>
  );
}

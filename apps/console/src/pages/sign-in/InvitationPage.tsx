import { useNavigate, useParams } from 'react-router';
import { DateTime, LoadState } from '../../components/ui';
import { useLoad } from '../../hooks';
import { NewPasswordForm } from '../../person/forms';
import type { Invitation, SignInResult } from '../../person/wire';
import { publicApi, useSessionState } from '../../session';
import { BackToSignIn, SignInFrame } from './frame';

/**
 * `#/invitation/:token`: the link of an invitation mail. It says whose invitation it is, to which account; the
 * password chosen here signs the person in (through an enrollment first, when the account requires two-factor).
 */
export function InvitationPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { continueAsPerson } = useSessionState();
  const invitation = useLoad(() => publicApi.post<Invitation>('/v1_1/invitations/inspect', { token }), [token]);

  const accept = async ({ password }: { password: string }) => {
    await publicApi.post<SignInResult>('/v1_1/invitations/accept', { token, password });
    navigate(await continueAsPerson(), { replace: true });
  };

  return (
    <SignInFrame title="Accept your invitation">
      <LoadState loaded={invitation} what="your invitation">
        {(found) => (
          <>
            <p>
              <strong>{found.name}</strong> (<span className="wrap-anywhere">{found.email}</span>), you are invited to the account{' '}
              <strong>{found.account_name}</strong>. Choose your password.
            </p>
            {found.two_factor_required ? (
              <p className="muted">This account requires two-factor authentication: you set it up next, with an authenticator app.</p>
            ) : null}
            <p className="muted">
              The invitation works until <DateTime value={found.expires_at} />.
            </p>
            <NewPasswordForm submitLabel="Set password and sign in" autoFocus onSubmit={accept} />
          </>
        )}
      </LoadState>
      {invitation.error ? <p className="muted">Ask your administrator to send you a new invitation.</p> : null}
      <BackToSignIn />
    </SignInFrame>
  );
}

import { useState } from 'react';
import { ErrorMessage, LoadState } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { RecoveryCodesView, TotpSetup } from '../../person/two-factor';
import type { RecoveryCodes, TwoFactorEnrollment } from '../../person/wire';
import { publicApi, useSessionState } from '../../session';
import { CancelSignIn, SignInFrame } from './frame';

/**
 * `#/sign-in/enrollment`: the account requires two-factor authentication and the person has none yet. Once the
 * app's first code is confirmed, the session is complete; the recovery codes are shown once, and the console
 * opens when the person says they saved them.
 */
export function EnrollmentPage() {
  const { continueAsPerson, signOut } = useSessionState();
  const enrollment = useLoad(() => publicApi.post<TwoFactorEnrollment>('/v1_1/sign-in/enrollment'), []);
  const [codes, setCodes] = useState<string[] | null>(null);
  const finish = useAction();

  const confirm = async (code: string) => {
    const confirmed = await publicApi.post<RecoveryCodes>('/v1_1/sign-in/enrollment/confirm', { code });
    setCodes(confirmed.recovery_codes);
  };

  return (
    <SignInFrame title="Set up two-factor authentication">
      {codes ? (
        <>
          <RecoveryCodesView codes={codes} onDone={() => void finish.run(continueAsPerson)} />
          <ErrorMessage message={finish.error} />
        </>
      ) : (
        <>
          <p>Your account requires a second factor: a code from an authenticator app, each time you sign in.</p>
          <LoadState loaded={enrollment} what="your two-factor setup">
            {(started) => <TotpSetup enrollment={started} onConfirm={confirm} autoFocus />}
          </LoadState>
          <CancelSignIn onCancel={signOut} />
        </>
      )}
    </SignInFrame>
  );
}

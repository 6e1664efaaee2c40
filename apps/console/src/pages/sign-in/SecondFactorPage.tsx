import { CodeForm } from '../../person/forms';
import { publicApi, useSessionState } from '../../session';
import { CancelSignIn, SignInFrame } from './frame';

/** `#/sign-in/second-factor`: the session waits for a code from the person's authenticator app, or a recovery code. */
export function SecondFactorPage() {
  const { continueAsPerson, signOut } = useSessionState();
  const verify = async (code: string) => {
    await publicApi.post('/v1_1/sign-in/second-factor', { code });
    await continueAsPerson();
  };
  return (
    <SignInFrame title="Two-factor authentication">
      <CodeForm
        label="Code"
        hint="The 6-digit code your authenticator app shows for Castellan, or one of your recovery codes."
        submitLabel="Verify"
        autoFocus
        onSubmit={verify}
      />
      <CancelSignIn onCancel={signOut} />
    </SignInFrame>
  );
}

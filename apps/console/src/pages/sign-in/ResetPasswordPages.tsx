import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorMessage, Field } from '../../components/ui';
import { useAction } from '../../hooks';
import { NewPasswordForm } from '../../person/forms';
import { SIGN_IN } from '../../person/stages';
import { publicApi } from '../../session';
import { BackToSignIn, SignInFrame } from './frame';
import type { SignInNotice } from './SignInPage';

/** `#/reset-password`: asks for a link by mail. The answer is the same whether the email belongs to anyone. */
export function ResetPasswordPage() {
  const [email, setEmail] = useState('');
  const [missing, setMissing] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    setMissing(address ? undefined : 'Enter your email address');
    if (!address) return;
    if (await action.run(() => publicApi.post('/v1_1/password-reset', { email: address }))) setSent(true);
  };

  return (
    <SignInFrame title="Reset your password">
      {sent ? (
        <p role="status" className="notice">
          If an account has this email, we sent a link to it. Open it to choose a new password.
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <p className="muted">We mail you a link to choose a new password.</p>
          <Field label="Email" error={missing}>
            {(props) => (
              <input {...props} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" autoFocus />
            )}
          </Field>
          <ErrorMessage message={action.error} />
          <button type="submit" className="primary" disabled={action.busy}>
            Send the link
          </button>
        </form>
      )}
      <BackToSignIn />
    </SignInFrame>
  );
}

/** `#/reset-password/:token`: the link of the mail. A new password ends every session of the user; then sign in. */
export function ResetPasswordConfirmPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const confirm = async ({ password }: { password: string }) => {
    await publicApi.post('/v1_1/password-reset/confirm', { token, password });
    const notice: SignInNotice = { notice: 'Your password is changed. Sign in with it.' };
    navigate(SIGN_IN, { state: notice });
  };
  return (
    <SignInFrame title="Choose a new password">
      <NewPasswordForm submitLabel="Set the new password" autoFocus onSubmit={confirm} />
      <p className="sign-in-links">
        <Link to="/reset-password">Ask for a new link</Link>
        <Link to={SIGN_IN}>Back to sign-in</Link>
      </p>
    </SignInFrame>
  );
}

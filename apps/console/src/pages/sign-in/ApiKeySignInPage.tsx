import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, Field } from '../../components/ui';
import { useAction } from '../../hooks';
import { SIGN_IN } from '../../person/stages';
import { useSessionState } from '../../session';
import { SignInFrame } from './frame';

/** `#/sign-in/api-key`: the secondary way in, for automation and recovery: an account API key or a user API key. */
export function ApiKeySignInPage() {
  const { signInWithKey } = useSessionState();
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [missing, setMissing] = useState<{ apiKey?: string; secret?: string }>({});
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = { apiKey: apiKey.trim() ? undefined : 'Enter the access key', secret: secret ? undefined : 'Enter the secret' };
    setMissing(problems);
    if (problems.apiKey || problems.secret) return;
    void action.run(() => signInWithKey({ apiKey: apiKey.trim(), secret }));
  };

  return (
    <SignInFrame title="Sign in with an API key">
      <p className="muted">Use an account API key or a user API key. The secret stays in this tab only.</p>
      <form onSubmit={submit} noValidate>
        <Field label="Access key" error={missing.apiKey}>
          {(props) => <input {...props} value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="username" autoFocus />}
        </Field>
        <Field label="Secret" error={missing.secret}>
          {(props) => (
            <input {...props} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="current-password" />
          )}
        </Field>
        <ErrorMessage message={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          Sign in
        </button>
      </form>
      <p className="sign-in-links">
        <Link to={SIGN_IN}>Sign in with your email instead</Link>
      </p>
    </SignInFrame>
  );
}

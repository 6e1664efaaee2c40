import { type FormEvent, useState } from 'react';
import { ErrorMessage, Field } from '../components/ui';
import { useAction } from '../hooks';
import { useSessionState } from '../session';

export function SignInPage() {
  const { signIn } = useSessionState();
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [missing, setMissing] = useState<{ apiKey?: string; secret?: string }>({});
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = { apiKey: apiKey.trim() ? undefined : 'Enter the access key', secret: secret ? undefined : 'Enter the secret' };
    setMissing(problems);
    if (problems.apiKey || problems.secret) return;
    void action.run(() => signIn({ apiKey: apiKey.trim(), secret }));
  };

  return (
    <main className="sign-in">
      <h1>Castellan console</h1>
      <p className="muted">Sign in with an account API key or a user API key. The secret stays in this tab only.</p>
      <form onSubmit={submit} noValidate>
        <Field label="Access key" error={missing.apiKey}>
          {(props) => <input {...props} value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="username" />}
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
    </main>
  );
}

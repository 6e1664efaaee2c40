import { type FormEvent, useState } from 'react';
import { useLocation } from 'react-router';
import { Field } from '../../components/ui';
import { rememberSsoAccount, ssoAccount, ssoLoginPath } from '../../person/sso';
import { BackToSignIn, SignInFrame } from './frame';

/**
 * `#/sign-in/sso`: single sign-on through the account's identity provider. The browser leaves for it, and comes back
 * to the console signed in.
 */
export function SsoPage() {
  const { search } = useLocation();
  const [accountId, setAccountId] = useState(() => ssoAccount(search));
  const [missing, setMissing] = useState<string | undefined>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = accountId.trim();
    setMissing(id ? undefined : 'Enter the account ID');
    if (!id) return;
    rememberSsoAccount(id);
    window.location.assign(ssoLoginPath(id));
  };

  return (
    <SignInFrame title="Sign in with SSO">
      <p className="muted">Your organisation's identity provider signs you in to its Castellan account.</p>
      <form onSubmit={submit} noValidate>
        <Field label="Account ID" error={missing} hint="Your administrator gives it; the console shows it in its top bar.">
          {(props) => (
            <input
              {...props}
              value={accountId}
              onChange={(e) => setAccountId(e.target.value)}
              autoFocus
              spellCheck={false}
              autoComplete="off"
            />
          )}
        </Field>
        <button type="submit" className="primary">
          Continue to single sign-on
        </button>
      </form>
      <BackToSignIn />
    </SignInFrame>
  );
}

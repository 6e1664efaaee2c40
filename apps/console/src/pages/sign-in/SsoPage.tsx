import { type FormEvent, useState } from 'react';
import { useLocation } from 'react-router';
import { ErrorMessage, Field } from '../../components/ui';
import { useAction } from '../../hooks';
import { rememberSsoAccount, ssoAccount, ssoLoginPath, ssoMetadataPath } from '../../person/sso';
import { publicApi } from '../../session';
import { BackToSignIn, SignInFrame } from './frame';

/**
 * `#/sign-in/sso`: single sign-on through the account's identity provider. The browser leaves for it, and comes back
 * to the console signed in.
 */
export function SsoPage() {
  const { search } = useLocation();
  const [accountId, setAccountId] = useState(() => ssoAccount(search));
  const [missing, setMissing] = useState<string | undefined>();

  const check = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = accountId.trim();
    setMissing(id ? undefined : 'Enter the account ID');
    if (!id) return;
    // The login route answers an account without SAML with a JSON error, which the browser would show as a page:
    // the metadata route answers the same question here, in the form.
    const enabled = await check.run(() => publicApi.get(ssoMetadataPath(id)).then(() => true));
    if (!enabled) return;
    rememberSsoAccount(id);
    window.location.assign(ssoLoginPath(id));
  };

  return (
    <SignInFrame title="Sign in with SSO">
      <p className="muted">Your organisation's identity provider signs you in to its Castellan account.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
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
        <ErrorMessage message={check.error} />
        <button type="submit" className="primary" disabled={check.busy}>
          Continue to single sign-on
        </button>
      </form>
      <BackToSignIn />
    </SignInFrame>
  );
}

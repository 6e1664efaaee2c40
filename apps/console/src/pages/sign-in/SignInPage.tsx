import { type FormEvent, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ErrorMessage, Field, Notice } from '../../components/ui';
import type { Errors } from '../../forms';
import { useAction, useFocusFirstInvalid } from '../../hooks';
import { API_KEY_SIGN_IN, SIGN_IN } from '../../person/stages';
import type { SignInResult } from '../../person/wire';
import { publicApi, useSessionState } from '../../session';
import { SignInFrame } from './frame';

type Account = NonNullable<SignInResult['accounts']>[number];

/** What a page that sends someone to the sign-in page has to say there (`navigate(SIGN_IN, { state: { notice } })`). */
export interface SignInNotice {
  notice?: string;
}

/**
 * `#/sign-in`: a person's email and password, then, when they open several accounts, the choice of one. The
 * second factor and an enrollment have pages of their own (the session waits at that stage). SSO and an API key
 * are the other ways in.
 */
export function SignInPage() {
  const { state, continueAsPerson } = useSessionState();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Errors<'email' | 'password'>>({});
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const action = useAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, missing);
  // What the page that sent here says, else why the last session ended.
  const notice = (location.state as SignInNotice | null)?.notice ?? (state.phase === 'signed-out' ? state.notice : undefined) ?? null;

  const signIn = (accountId?: string) =>
    action.run(async () => {
      const result = await publicApi.post<SignInResult>('/v1_1/sign-in', {
        email: email.trim(),
        password,
        ...(accountId ? { account_id: accountId } : {}),
      });
      if (result.status === 'choose_account') return setAccounts(result.accounts ?? []);
      // The console moves to where the session stands: the console, or the page of its next stage.
      await continueAsPerson();
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      ...(email.trim() ? {} : { email: 'Enter your email address' }),
      ...(password ? {} : { password: 'Enter your password' }),
    };
    setMissing(problems);
    if (!Object.keys(problems).length) void signIn();
  };

  if (accounts) {
    return (
      <SignInFrame title="Choose an account">
        <p className="muted">This email address and password open several accounts. Which one?</p>
        <ul className="account-choices">
          {accounts.map((account, i) => (
            <li key={account.id}>
              <button type="button" disabled={action.busy} autoFocus={i === 0} onClick={() => void signIn(account.id)}>
                <strong>{account.name}</strong> <code>{account.id}</code>
              </button>
            </li>
          ))}
        </ul>
        <ErrorMessage message={action.error} />
        <p className="sign-in-links">
          <button type="button" className="link-button" onClick={() => setAccounts(null)}>
            Back
          </button>
        </p>
      </SignInFrame>
    );
  }

  return (
    <SignInFrame title="Sign in">
      <Notice message={notice} />
      <form ref={form} onSubmit={submit} noValidate>
        <Field label="Email" error={missing.email}>
          {(props) => (
            <input {...props} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" autoFocus />
          )}
        </Field>
        <Field label="Password" error={missing.password}>
          {(props) => (
            <input
              {...props}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
            />
          )}
        </Field>
        <ErrorMessage message={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          Sign in
        </button>
      </form>
      <p className="sign-in-links">
        <Link to="/reset-password">Forgot password?</Link>
      </p>
      <div className="sign-in-other">
        <Link className="button-link" to={{ pathname: `${SIGN_IN}/sso`, search: location.search }}>
          Sign in with SSO
        </Link>
        <Link to={API_KEY_SIGN_IN}>Use an API key instead</Link>
      </div>
    </SignInFrame>
  );
}

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { SIGN_IN } from '../../person/stages';
import './sign-in.css';

/** The box every page of signing in is drawn in. */
export function SignInFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="sign-in">
      <p className="sign-in-brand">Castellan console</p>
      <h1>{title}</h1>
      {children}
    </main>
  );
}

export function BackToSignIn() {
  return (
    <p className="sign-in-links">
      <Link to={SIGN_IN}>Back to sign-in</Link>
    </p>
  );
}

/** Leaves a sign-in waiting at a stage: the session it began ends, and the sign-in page opens. */
export function CancelSignIn({ onCancel }: { onCancel: () => Promise<void> }) {
  return (
    <p className="sign-in-links">
      <button type="button" className="link-button" onClick={() => void onCancel()}>
        Cancel and sign in again
      </button>
    </p>
  );
}

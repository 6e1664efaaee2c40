import { useEffect, useRef, useState } from 'react';
import { DateTime, Dialog } from './ui';
import './secret-dialog.css';

/** A secret just issued: shown once, then forgotten. */
export interface IssuedSecret {
  apiKey: string;
  secret: string;
  /** The paste-ready form that holds the secret too (an environment's CLOUDINARY_URL, an account URL), named. */
  connection?: { label: string; value: string };
  /** Until when the replaced secret still works, after a rotation with a grace period. */
  previousSecretExpiresAt?: string | null;
}

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * "Save your secret": the one time a secret is shown. It is masked until asked for, and the parent forgets it
 * (sets `issued` to null) when the dialog closes, by "Done" or by Escape.
 */
export function SecretDialog({ issued, onDone, note }: { issued: IssuedSecret | null; onDone: () => void; note?: string }) {
  return (
    <Dialog title="Save your secret" open={issued !== null} onClose={onDone}>
      {issued ? <SecretBody issued={issued} onDone={onDone} note={note} /> : null}
    </Dialog>
  );
}

function SecretBody({ issued, onDone, note }: { issued: IssuedSecret; onDone: () => void; note?: string }) {
  const [shown, setShown] = useState(false);
  const [copy, setCopy] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copySecret = async () => {
    window.clearTimeout(timer.current);
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(issued.secret);
      setCopy('copied');
      timer.current = window.setTimeout(() => setCopy('idle'), 4000);
    } catch {
      setCopy('failed');
    }
  };

  return (
    <>
      <p>
        <strong>This secret will not be shown again.</strong> Store it somewhere safe, such as a secret manager, before you close this dialog.
      </p>
      {note ? <p>{note}</p> : null}
      <dl className="key-secret-facts">
        <dt>API key</dt>
        <dd>
          <code data-testid="secret-api-key">{issued.apiKey}</code>
        </dd>
        <dt>Secret</dt>
        <dd>
          {shown ? (
            <code className="key-secret-value" data-testid="secret-value">
              {issued.secret}
            </code>
          ) : (
            <>
              <code className="key-secret-mask" aria-hidden="true">
                ••••••••••••••••
              </code>
              <span className="cs-visually-hidden">hidden</span>
            </>
          )}
        </dd>
        {shown && issued.connection ? (
          <>
            <dt>{issued.connection.label}</dt>
            <dd>
              <code className="key-secret-value">{issued.connection.value}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {issued.previousSecretExpiresAt ? (
        <p className="muted">
          The previous secret keeps working until <DateTime value={issued.previousSecretExpiresAt} />.
        </p>
      ) : null}
      <div className="key-secret-tools">
        <button type="button" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
          {shown ? 'Hide secret' : 'Show secret'}
        </button>
        <button type="button" onClick={() => void copySecret()}>
          Copy
        </button>
        <span role="status" aria-live="polite" className={copy === 'failed' ? 'field-error' : 'key-copy-ok'}>
          {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copying failed: your browser did not allow access to the clipboard. Show the secret and copy it by hand.' : ''}
        </span>
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </>
  );
}

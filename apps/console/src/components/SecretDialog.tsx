import { useEffect, useId, useRef, useState } from 'react';
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

type Copied = { what: string; ok: boolean } | null;

/**
 * "Save your secret": the one time a secret is shown. It is masked until asked for, and the parent forgets it
 * (sets `issued` to null) when the dialog closes. Until the secret has been shown or copied, every way out (Done,
 * Escape, the close button, the backdrop) asks first: one stray key press must not lose it.
 */
export function SecretDialog({ issued, onDone, note }: { issued: IssuedSecret | null; onDone: () => void; note?: string }) {
  return issued ? <OpenSecretDialog issued={issued} onDone={onDone} note={note} /> : null;
}

function OpenSecretDialog({ issued, onDone, note }: { issued: IssuedSecret; onDone: () => void; note?: string }) {
  const [shown, setShown] = useState(false);
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<Copied>(null);
  const [asking, setAsking] = useState(false);
  const showButton = useRef<HTMLButtonElement>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const secured = shown || saved;
  const close = () => (secured ? onDone() : setAsking(true));

  const copy = async (what: string, value: string) => {
    window.clearTimeout(timer.current);
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setSaved(true);
      setCopied({ what, ok: true });
      timer.current = window.setTimeout(() => setCopied(null), 4000);
    } catch {
      setCopied({ what, ok: false });
    }
  };
  const toggle = () => setShown((s) => !s);
  // The question goes, and with it the focused button: the focus moves to where the secret can be saved.
  const keepOpen = () => {
    setAsking(false);
    showButton.current?.focus();
  };

  return (
    <Dialog title="Save your secret" open onClose={close}>
      <p>
        <strong>This secret will not be shown again.</strong> Store it somewhere safe, such as a secret manager, before you close this
        dialog.
      </p>
      {note ? <p>{note}</p> : null}
      <dl className="key-secret-facts">
        <dt>API key</dt>
        <dd>
          <code data-testid="secret-api-key">{issued.apiKey}</code>
        </dd>
        <dt>Secret</dt>
        <dd>
          <Masked value={issued.secret} shown={shown} testId="secret-value" />
          <button type="button" onClick={() => void copy('Secret', issued.secret)}>
            Copy secret
          </button>
        </dd>
        {issued.connection ? (
          <>
            <dt>{issued.connection.label}</dt>
            <dd>
              <Masked value={issued.connection.value} shown={shown} />
              <button type="button" onClick={() => void copy(issued.connection!.label, issued.connection!.value)}>
                Copy {issued.connection.label}
              </button>
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
        <button type="button" ref={showButton} aria-pressed={shown} onClick={toggle}>
          {shown ? 'Hide secret' : 'Show secret'}
        </button>
        <span role="status" aria-live="polite" className={copied?.ok === false ? 'field-error' : 'key-copy-ok'}>
          {copied?.ok ? `${copied.what} copied` : ''}
          {copied?.ok === false
            ? 'Copying failed: your browser did not allow access to the clipboard. Show the secret and copy it by hand.'
            : ''}
        </span>
      </div>
      {asking && !secured ? (
        <CloseAnyway onKeep={keepOpen} onClose={onDone} />
      ) : (
        <div className="actions">
          <button type="button" className="primary" onClick={close}>
            Done
          </button>
        </div>
      )}
    </Dialog>
  );
}

/** A value of the dialog, masked until "Show secret". */
function Masked({ value, shown, testId }: { value: string; shown: boolean; testId?: string }) {
  return shown ? (
    <code className="key-secret-value" data-testid={testId}>
      {value}
    </code>
  ) : (
    <>
      <code className="key-secret-mask" aria-hidden="true">
        ••••••••••••••••
      </code>
      <span className="cs-visually-hidden">hidden</span>
    </>
  );
}

/** The question asked before a secret nobody has seen or copied is closed away; the safe answer has the focus. */
function CloseAnyway({ onKeep, onClose }: { onKeep: () => void; onClose: () => void }) {
  const keep = useRef<HTMLButtonElement>(null);
  const questionId = useId();
  useEffect(() => keep.current?.focus(), []);
  return (
    <div className="key-secret-confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId}>
        <strong>Close without saving the secret?</strong> You have neither shown nor copied it, and it cannot be shown again: the key would
        need a new secret.
      </p>
      <div className="actions">
        <button type="button" ref={keep} onClick={onKeep}>
          Keep the dialog open
        </button>
        <button type="button" className="danger" onClick={onClose}>
          Close without saving
        </button>
      </div>
    </div>
  );
}

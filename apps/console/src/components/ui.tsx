import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/** An error from the API, read out by screen readers as it appears. */
export function ErrorMessage({ message }: { message: string | null }) {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Loading, error and empty states around a list or a record. */
export function LoadState<T>({ loaded, what, children, isEmpty, empty }: {
  loaded: { data: T | null; error: string | null; loading: boolean };
  what: string;
  children: (data: T) => ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
}) {
  if (loaded.error) return <ErrorMessage message={loaded.error} />;
  if (loaded.loading && loaded.data === null) return <Loading what={what} />;
  if (loaded.data === null) return null;
  if (isEmpty?.(loaded.data)) return <Empty>{empty ?? `No ${what} yet.`}</Empty>;
  return <>{children(loaded.data)}</>;
}

/** A labelled form control with its validation message; `children` gets the id and the described-by id. */
export function Field({ label, error, hint, children }: {
  label: string;
  error?: string | null;
  hint?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint && !error ? (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A modal dialog (the browser's own <dialog>: focus trap, Escape closes). */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      {open ? (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

/** Deletion behind a typed confirmation: the button works once the exact name is typed. */
export function ConfirmByTyping({ open, what, name, onConfirm, onClose, busy, error }: {
  open: boolean;
  what: string;
  name: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  error?: string | null;
}) {
  const [typed, setTyped] = useState('');
  useEffect(() => setTyped(''), [open]);
  return (
    <Dialog title={`Delete ${what}`} open={open} onClose={onClose}>
      <p>
        This cannot be undone. Type <strong>{name}</strong> to confirm.
      </p>
      <Field label={`Type ${name} to confirm`}>{(props) => <input {...props} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />}</Field>
      <ErrorMessage message={error ?? null} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={typed !== name || busy} onClick={onConfirm}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}

/** Dates as the API gives them (ISO-8601 UTC), shown in the reader's locale; null as a dash. */
export function DateTime({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={value}>{new Date(value).toLocaleString()}</time>;
}

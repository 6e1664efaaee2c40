import type { DialogStatus } from '../hooks';
import {
  type FormEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type Ref,
  type SyntheticEvent,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';

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
export function LoadState<T>({
  loaded,
  what,
  children,
  isEmpty,
  empty,
}: {
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
export function Field({
  label,
  error,
  hint,
  children,
}: {
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

/**
 * A modal dialog (the browser's own <dialog>: focus trap, top layer). Escape, the close button and a click on the
 * backdrop ask `onClose`, and the dialog stays open until `open` turns false, so that a parent may say no first.
 */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Counts closings the page did not ask for, so that the effect below reopens a dialog whose parent still holds it open.
  const [unasked, setUnasked] = useState(0);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open, unasked]);

  // Escape is handled here, on the key press: Chromium closes a dialog on a repeated Escape whatever the page does
  // with the `cancel` event, unless the key press itself is cancelled.
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onClose();
  };
  // A click on the backdrop lands on the <dialog> itself, outside its box.
  const onClick = (event: MouseEvent<HTMLDialogElement>) => {
    if (event.target !== event.currentTarget) return;
    const box = event.currentTarget.getBoundingClientRect();
    if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) onClose();
  };
  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    event.preventDefault();
    onClose();
  };
  const onClosed = () => {
    if (!open) return;
    onClose();
    setUnasked((n) => n + 1);
  };
  return (
    <dialog ref={ref} aria-labelledby={titleId} onKeyDown={onKeyDown} onClick={onClick} onCancel={onCancel} onClose={onClosed}>
      {open ? (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
          <button type="button" className="dialog-close" aria-label="Close" title="Close" onClick={onClose}>
            ×
          </button>
        </>
      ) : null}
    </dialog>
  );
}

/**
 * A table row's actions behind one button, in a popover (the browser's own: Escape or a click elsewhere closes it,
 * and it is drawn under the button). Every row then has the same one button however many actions the key may take,
 * and a table keeps its columns on a narrow screen. Menu items are buttons and links; one taken closes the menu.
 */
export function RowActions({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  const menu = useRef<HTMLDivElement>(null);
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (event.target instanceof Element && event.target.closest('button, a')) menu.current?.hidePopover();
  };
  return (
    <>
      <button type="button" className="row-menu-button" popoverTarget={id} aria-label={label}>
        Actions <span aria-hidden="true">▾</span>
      </button>
      <div id={id} ref={menu} popover="auto" className="row-menu" onClick={onClick}>
        {children}
      </div>
    </>
  );
}

/**
 * A dialog's form: its fields, the API's error, Cancel and the submit button. Put it in a component rendered inside
 * the <Dialog>, which renders its content only while open, so that each opening starts from fresh state.
 */
export function DialogForm({
  submitLabel,
  dialog,
  onSubmit,
  formRef,
  children,
}: {
  submitLabel: string;
  dialog: DialogStatus;
  onSubmit: () => void;
  formRef?: Ref<HTMLFormElement>;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate>
      {children}
      <ErrorMessage message={dialog.error} />
      <div className="actions">
        <button type="button" onClick={dialog.close}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={dialog.busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** Deletion behind a typed confirmation: the button works once the exact name is typed. Open while `name` is not null. */
export function ConfirmByTyping({
  what,
  name,
  dialog,
  onConfirm,
}: {
  what: string;
  name: string | null;
  dialog: DialogStatus;
  onConfirm: () => void;
}) {
  const [typed, setTyped] = useState('');
  useEffect(() => setTyped(''), [name]);
  return (
    <Dialog title={`Delete ${what}`} open={name !== null} onClose={dialog.close}>
      <p>
        This cannot be undone. Type <strong>{name}</strong> to confirm.
      </p>
      <Field label={`Type ${name} to confirm`}>
        {(props) => <input {...props} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />}
      </Field>
      <ErrorMessage message={dialog.error} />
      <div className="actions">
        <button type="button" onClick={dialog.close}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={typed !== name || dialog.busy} onClick={onConfirm}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}

/**
 * Dates as the API gives them (ISO-8601 UTC), shown in the reader's locale; null as a dash. A narrow column wraps
 * them between the day and the time, never inside either.
 */
export function DateTime({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  const at = new Date(value);
  return (
    <time dateTime={value}>
      <span className="nowrap">{at.toLocaleDateString()},</span> <span className="nowrap">{at.toLocaleTimeString()}</span>
    </time>
  );
}

/** The outcome of the last change. The live region stays in the page even when empty, so that each new message is announced. */
export function Notice({ message }: { message: string | null }) {
  return (
    <p role="status" className={message ? 'notice' : 'cs-visually-hidden'}>
      {message}
    </p>
  );
}

/** A page's or a section's heading, with the button that adds to it (left out when the key may not). */
export function PageHead({
  id,
  title,
  level = 1,
  action,
}: {
  id?: string;
  title: string;
  level?: 1 | 2 | 3;
  action?: { label: string; onClick: () => void } | false;
}) {
  const Heading = `h${level}` as const;
  return (
    <div className="page-head">
      <Heading id={id}>{title}</Heading>
      {action ? (
        <button type="button" className="primary" onClick={action.onClick}>
          {action.label}
        </button>
      ) : null}
    </div>
  );
}

/** Previous and next page of a list; shown only when there is more than one page. */
export function Pager({
  label,
  page,
  pages,
  busy,
  onChange,
}: {
  label: string;
  page: number;
  pages: number;
  busy?: boolean;
  onChange: (page: number) => void;
}) {
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={page <= 1 || busy} onClick={() => onChange(page - 1)}>
        Previous page
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages || busy} onClick={() => onChange(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return <span className={`badge ${enabled ? 'on' : 'off'}`}>{enabled ? 'Enabled' : 'Disabled'}</span>;
}

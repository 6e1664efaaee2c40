import { type ReactNode, useState } from 'react';
import { RowActions } from '../../components/ui';
import { useDialog } from '../../hooks';
import { useSession } from '../../session';

/**
 * Create, update and delete of the records under `path` (users, groups, roles), each through the page's open
 * dialog. A success closes the dialog, reloads the list and leaves `notice` saying what happened.
 */
export function useRecordCommands<R extends { id: string }, D>(path: string, reload: () => void) {
  const { api } = useSession();
  const dialog = useDialog<D>();
  const [notice, setNotice] = useState<string | null>(null);
  const recordPath = (record: R) => `${path}/${encodeURIComponent(record.id)}`;
  const done = (message: string) => {
    setNotice(message);
    reload();
  };

  /** Creates the record, or updates `existing`; the answer, or undefined when the API refused. */
  const save = async (existing: R | undefined, body: unknown, message: (saved: R) => string) => {
    const saved = await dialog.submit(() => (existing ? api.put<R>(recordPath(existing), body) : api.post<R>(path, body)));
    if (saved) done(message(saved));
    return saved;
  };
  const remove = async (record: R, message: string) => {
    if ((await dialog.submit(() => api.delete(recordPath(record)))) !== undefined) done(message);
  };
  return { dialog, notice, setNotice, done, recordPath, save, remove };
}

/**
 * A row's actions: `leading` in the row itself, then the menu of the others: Edit (or Rename), `children`, Delete.
 * Edit and Delete are left out when the key may not; the menu goes when nothing is left in it.
 */
export function RecordActions({
  label,
  editLabel = 'Edit',
  onEdit,
  onDelete,
  leading,
  children,
}: {
  /** Names the record the menu acts on: "Actions for user Dana". */
  label: string;
  editLabel?: string;
  onEdit: false | (() => void);
  onDelete: false | (() => void);
  leading?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="row-actions">
      {leading}
      {onEdit || children || onDelete ? (
        <RowActions label={label}>
          {onEdit ? (
            <button type="button" onClick={onEdit}>
              {editLabel}
            </button>
          ) : null}
          {children}
          {onDelete ? (
            <button type="button" className="danger-outline" onClick={onDelete}>
              Delete
            </button>
          ) : null}
        </RowActions>
      ) : null}
    </div>
  );
}

/** The button that shows or hides a row's details row. */
export function DetailsToggle({
  open,
  controls,
  label,
  onToggle,
}: {
  open: boolean;
  controls: string;
  label: string;
  onToggle: () => void;
}) {
  return (
    <button type="button" aria-expanded={open} aria-controls={controls} onClick={onToggle}>
      {open ? 'Hide details' : label}
    </button>
  );
}

/** The row under a record's row that holds its details, shown while its DetailsToggle is open. */
export function DetailsRow({ id, colSpan, children }: { id: string; colSpan: number; children: ReactNode }) {
  return (
    <tr className="details-row" id={id}>
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}

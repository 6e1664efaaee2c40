import { type FormEvent, useEffect, useState } from 'react';
import { Dialog, ErrorMessage, Field } from '../../components/ui';
import { GRACE_PERIODS } from './keys';

/** "Generate key" and "Rename": a name (required) and an optional description. */
export function KeyNameDialog({ open, title, submitLabel, initial, busy, error, onSubmit, onClose }: {
  open: boolean;
  title: string;
  submitLabel: string;
  initial?: { name: string; description: string | null };
  busy: boolean;
  error: string | null;
  onSubmit: (values: { name: string; description: string }) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setName(initial?.name ?? '');
    setDescription(initial?.description ?? '');
    setMissing(null);
  }, [open, initial]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setMissing('Enter a name');
    setMissing(null);
    onSubmit({ name: name.trim(), description: description.trim() });
  };

  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" error={missing}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus maxLength={255} />}
        </Field>
        <Field label="Description" hint="Optional: what the key is for">
          {(props) => <input {...props} value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" maxLength={1000} />}
        </Field>
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Rotate": a new secret, with a grace period for the old one. */
export function RotateKeyDialog({ open, keyName, isSignedInKey, busy, error, onSubmit, onClose }: {
  open: boolean;
  keyName: string;
  isSignedInKey: boolean;
  busy: boolean;
  error: string | null;
  onSubmit: (graceSeconds: number) => void;
  onClose: () => void;
}) {
  const [grace, setGrace] = useState(0);
  useEffect(() => {
    if (open) setGrace(isSignedInKey ? 3600 : 0);
  }, [open, isSignedInKey]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(grace);
  };
  return (
    <Dialog open={open} title={`Rotate ${keyName}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>The key gets a new secret. Its api_key, name, permissions and settings stay.</p>
        {isSignedInKey ? (
          <p className="error" role="note">
            This console is signed in with this key: after the grace period, sign in again with the new secret.
          </p>
        ) : null}
        <Field label="Grace period" hint="How long the current secret keeps working besides the new one">
          {(props) => (
            <select {...props} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
              {GRACE_PERIODS.map((g) => (
                <option key={g.seconds} value={g.seconds}>
                  {g.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Rotate
          </button>
        </div>
      </form>
    </Dialog>
  );
}

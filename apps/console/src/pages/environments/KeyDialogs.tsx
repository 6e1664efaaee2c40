import { type FormEvent, useRef, useState } from 'react';
import { Dialog, ErrorMessage, Field } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';
import { useFocusFirstInvalid } from './focus';
import { checkGenerateKey, emptyGenerateForm, type Errors, type GenerateKeyField, type GenerateKeyForm, GRACE_PERIODS, nameError } from './forms';
import { type AccessKey, keyPath, keysPath } from './types';

/** "Generate key": a name and the optional settings; `onGenerated` gets the answer, secret included. */
export function GenerateKeyDialog({ envId, open, onClose, onGenerated }: { envId: string; open: boolean; onClose: () => void; onGenerated: (key: AccessKey) => void }) {
  return (
    <Dialog title="Generate key" open={open} onClose={onClose}>
      <GenerateKeyFormView envId={envId} onClose={onClose} onGenerated={onGenerated} />
    </Dialog>
  );
}

function GenerateKeyFormView({ envId, onClose, onGenerated }: { envId: string; onClose: () => void; onGenerated: (key: AccessKey) => void }) {
  const { api, accountPath } = useSession();
  const [form, setForm] = useState<GenerateKeyForm>(emptyGenerateForm);
  const [errors, setErrors] = useState<Errors<GenerateKeyField>>({});
  const [moreOpen, setMoreOpen] = useState(false);
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);
  const set = (key: GenerateKeyField, value: string) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkGenerateKey(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      if (checked.errors.expiresAt || checked.errors.allowedIps || checked.errors.rateLimit) setMoreOpen(true);
      return;
    }
    setErrors({});
    const key = await action.run(() => api.post<AccessKey>(keysPath(accountPath, envId), checked.body));
    if (key) onGenerated(key);
  };

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Name" error={errors.name} hint="Unique in this environment. Left blank, the key is called key_<api key>.">
        {(p) => <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" maxLength={255} />}
      </Field>
      <Field label="Description" error={errors.description}>
        {(p) => <input {...p} value={form.description} onChange={(e) => set('description', e.target.value)} autoComplete="off" maxLength={1000} />}
      </Field>
      <details className="env-more" open={moreOpen} onToggle={(e) => setMoreOpen(e.currentTarget.open)}>
        <summary>Expiry, allowlist and rate limit</summary>
        <Field label="Expires at" error={errors.expiresAt} hint="In your time zone. Blank: no expiry, unless the account caps key lifetimes.">
          {(p) => <input {...p} type="datetime-local" value={form.expiresAt} onChange={(e) => set('expiresAt', e.target.value)} />}
        </Field>
        <Field label="Allowed IPs" error={errors.allowedIps} hint="Addresses or CIDR ranges, separated by commas or lines. Blank: anywhere the account allows.">
          {(p) => <textarea {...p} className="env-short-textarea" value={form.allowedIps} onChange={(e) => set('allowedIps', e.target.value)} spellCheck={false} />}
        </Field>
        <Field label="Rate limit per minute" error={errors.rateLimit} hint="Blank or 0: no limit of its own.">
          {(p) => <input {...p} inputMode="numeric" value={form.rateLimit} onChange={(e) => set('rateLimit', e.target.value)} autoComplete="off" />}
        </Field>
      </details>
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={action.busy}>
          Generate
        </button>
      </div>
    </form>
  );
}

/** "Rename": the key's name, unique in its environment. */
export function RenameKeyDialog({ envId, target, onClose, onRenamed }: { envId: string; target: AccessKey | null; onClose: () => void; onRenamed: (key: AccessKey) => void }) {
  return (
    <Dialog title={target ? `Rename key ${target.name}` : 'Rename key'} open={target !== null} onClose={onClose}>
      {target ? <RenameForm envId={envId} target={target} onClose={onClose} onRenamed={onRenamed} /> : null}
    </Dialog>
  );
}

function RenameForm({ envId, target, onClose, onRenamed }: { envId: string; target: AccessKey; onClose: () => void; onRenamed: (key: AccessKey) => void }) {
  const { api, accountPath } = useSession();
  const [name, setName] = useState(target.name);
  const [errors, setErrors] = useState<{ name?: string }>({});
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = nameError(name, { required: true });
    setErrors(problem ? { name: problem } : {});
    if (problem) return;
    if (name.trim() === target.name) {
      onClose();
      return;
    }
    const key = await action.run(() => api.put<AccessKey>(keyPath(accountPath, envId, target.api_key), { name: name.trim() }));
    if (key) onRenamed(key);
  };

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Name" error={errors.name} hint="Unique in this environment.">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required maxLength={255} />}
      </Field>
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
      </div>
    </form>
  );
}

/** "Rotate": a new secret, the old one kept working for a grace period; `onRotated` gets the answer, new secret included. */
export function RotateKeyDialog({ envId, target, onClose, onRotated }: { envId: string; target: AccessKey | null; onClose: () => void; onRotated: (key: AccessKey) => void }) {
  return (
    <Dialog title={target ? `Rotate key ${target.name}` : 'Rotate key'} open={target !== null} onClose={onClose}>
      {target ? <RotateForm envId={envId} target={target} onClose={onClose} onRotated={onRotated} /> : null}
    </Dialog>
  );
}

function RotateForm({ envId, target, onClose, onRotated }: { envId: string; target: AccessKey; onClose: () => void; onRotated: (key: AccessKey) => void }) {
  const { api, accountPath } = useSession();
  const [grace, setGrace] = useState(0);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = await action.run(() => api.post<AccessKey>(`${keyPath(accountPath, envId, target.api_key)}/rotate`, { grace_seconds: grace }));
    if (key) onRotated(key);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <p>
        The key <code>{target.api_key}</code> gets a new secret. Its name, permissions and settings stay.
        {target.previous_secret_expires_at ? ' A previous secret still in its grace period stops working at once.' : ''}
      </p>
      <Field label="Grace period for the old secret" hint="How long the current secret keeps working next to the new one. Never past the key's own expiry.">
        {(p) => (
          <select {...p} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
            {GRACE_PERIODS.map((g) => (
              <option key={g.seconds} value={g.seconds}>
                {g.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={action.busy}>
          Rotate
        </button>
      </div>
    </form>
  );
}

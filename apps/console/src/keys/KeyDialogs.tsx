import { useRef, useState } from 'react';
import { Dialog, DialogForm, Field } from '../components/ui';
import type { Errors } from '../forms';
import { useAction, useFocusFirstInvalid } from '../hooks';
import { useSession } from '../session';
import {
  checkEditKey,
  checkGenerateKey,
  editKeyForm,
  emptyGenerateForm,
  type GenerateKeyField,
  type GenerateKeyForm,
  GRACE_PERIODS,
} from './keyForm';
import type { ApiKey } from './keys';

/** Where a list's keys live in the API (`…/access_keys`, `…/account_api_keys`, `…/users/:id/api_keys`), and how its names are scoped. */
export interface KeyCollection {
  path: string;
  /** Completes "Unique …", e.g. "in this environment". */
  nameScope: string;
}

export const keyPath = (keys: KeyCollection, apiKey: string) => `${keys.path}/${encodeURIComponent(apiKey)}`;

/** "Generate key": a name and the optional settings; `onGenerated` gets the answer, secret included. */
export function GenerateKeyDialog({
  keys,
  title,
  open,
  onClose,
  onGenerated,
}: {
  keys: KeyCollection;
  title: string;
  open: boolean;
  onClose: () => void;
  onGenerated: (key: ApiKey) => void;
}) {
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <GenerateKeyFormView keys={keys} onClose={onClose} onGenerated={onGenerated} />
    </Dialog>
  );
}

function GenerateKeyFormView({
  keys,
  onClose,
  onGenerated,
}: {
  keys: KeyCollection;
  onClose: () => void;
  onGenerated: (key: ApiKey) => void;
}) {
  const { api } = useSession();
  const [form, setForm] = useState<GenerateKeyForm>(emptyGenerateForm);
  const [errors, setErrors] = useState<Errors<GenerateKeyField>>({});
  const [moreOpen, setMoreOpen] = useState(false);
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);
  const set = (key: GenerateKeyField, value: string) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async () => {
    const checked = checkGenerateKey(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      if (checked.errors.expiresAt || checked.errors.allowedIps || checked.errors.rateLimit) setMoreOpen(true);
      return;
    }
    setErrors({});
    const key = await action.run(() => api.post<ApiKey>(keys.path, checked.body));
    if (key) onGenerated(key);
  };

  return (
    <DialogForm formRef={formRef} submitLabel="Generate" dialog={{ ...action, close: onClose }} onSubmit={() => void submit()}>
      <Field label="Name" error={errors.name} hint={`Unique ${keys.nameScope}. Left blank, the key is called key_<api key>.`}>
        {(p) => <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" maxLength={255} />}
      </Field>
      <Field label="Description" error={errors.description} hint="Optional: what the key is for">
        {(p) => (
          <input {...p} value={form.description} onChange={(e) => set('description', e.target.value)} autoComplete="off" maxLength={1000} />
        )}
      </Field>
      <details className="more" open={moreOpen} onToggle={(e) => setMoreOpen(e.currentTarget.open)}>
        <summary>Expiry, allowlist and rate limit</summary>
        <Field
          label="Expires at"
          error={errors.expiresAt}
          hint="In your time zone. Blank: no expiry, unless the account caps key lifetimes."
        >
          {(p) => <input {...p} type="datetime-local" value={form.expiresAt} onChange={(e) => set('expiresAt', e.target.value)} />}
        </Field>
        <Field
          label="Allowed IPs"
          error={errors.allowedIps}
          hint="Addresses or CIDR ranges, separated by commas or lines. Blank: anywhere the account allows."
        >
          {(p) => (
            <textarea
              {...p}
              className="key-short-textarea"
              value={form.allowedIps}
              onChange={(e) => set('allowedIps', e.target.value)}
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Rate limit per minute" error={errors.rateLimit} hint="Blank or 0: no limit of its own.">
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={form.rateLimit}
              onChange={(e) => set('rateLimit', e.target.value)}
              autoComplete="off"
            />
          )}
        </Field>
      </details>
    </DialogForm>
  );
}

/** "Rename": the key's name and description. */
export function RenameKeyDialog({
  keys,
  target,
  onClose,
  onRenamed,
}: {
  keys: KeyCollection;
  target: ApiKey | null;
  onClose: () => void;
  onRenamed: (key: ApiKey) => void;
}) {
  return (
    <Dialog title={target ? `Rename key ${target.name}` : 'Rename key'} open={target !== null} onClose={onClose}>
      {target ? <RenameForm keys={keys} target={target} onClose={onClose} onRenamed={onRenamed} /> : null}
    </Dialog>
  );
}

function RenameForm({
  keys,
  target,
  onClose,
  onRenamed,
}: {
  keys: KeyCollection;
  target: ApiKey;
  onClose: () => void;
  onRenamed: (key: ApiKey) => void;
}) {
  const { api } = useSession();
  const [form, setForm] = useState(() => editKeyForm(target));
  const [errors, setErrors] = useState<Errors<'name' | 'description'>>({});
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const submit = async () => {
    const checked = checkEditKey(form, target);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return;
    if (Object.keys(checked.body).length === 0) return onClose();
    const key = await action.run(() => api.put<ApiKey>(keyPath(keys, target.api_key), checked.body));
    if (key) onRenamed(key);
  };

  return (
    <DialogForm formRef={formRef} submitLabel="Save" dialog={{ ...action, close: onClose }} onSubmit={() => void submit()}>
      <Field label="Name" error={errors.name} hint={`Unique ${keys.nameScope}.`}>
        {(p) => (
          <input
            {...p}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            autoComplete="off"
            required
            maxLength={255}
          />
        )}
      </Field>
      <Field label="Description" error={errors.description} hint="Optional: what the key is for">
        {(p) => (
          <input
            {...p}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
            autoComplete="off"
            maxLength={1000}
          />
        )}
      </Field>
    </DialogForm>
  );
}

/** "Rotate": a new secret, the old one kept working for a grace period; `onRotated` gets the answer, new secret included. */
export function RotateKeyDialog({
  keys,
  target,
  onClose,
  onRotated,
}: {
  keys: KeyCollection;
  target: ApiKey | null;
  onClose: () => void;
  onRotated: (key: ApiKey) => void;
}) {
  return (
    <Dialog title={target ? `Rotate key ${target.name}` : 'Rotate key'} open={target !== null} onClose={onClose}>
      {target ? <RotateForm keys={keys} target={target} onClose={onClose} onRotated={onRotated} /> : null}
    </Dialog>
  );
}

function RotateForm({
  keys,
  target,
  onClose,
  onRotated,
}: {
  keys: KeyCollection;
  target: ApiKey;
  onClose: () => void;
  onRotated: (key: ApiKey) => void;
}) {
  const { api, signedInKey } = useSession();
  const isSignedInKey = target.api_key === signedInKey;
  // Without a grace period, rotating the signed-in key would cut this console off at once.
  const [grace, setGrace] = useState(isSignedInKey ? 3600 : 0);
  const action = useAction();

  const submit = async () => {
    const key = await action.run(() => api.post<ApiKey>(`${keyPath(keys, target.api_key)}/rotate`, { grace_seconds: grace }));
    if (key) onRotated(key);
  };

  return (
    <DialogForm submitLabel="Rotate" dialog={{ ...action, close: onClose }} onSubmit={() => void submit()}>
      <p>
        The key <code>{target.api_key}</code> gets a new secret. Its name, permissions and settings stay.
        {target.previous_secret_expires_at ? ' A previous secret still in its grace period stops working at once.' : ''}
      </p>
      {isSignedInKey ? (
        <p className="error" role="note">
          This console is signed in with this key: after the grace period, sign in again with the new secret.
        </p>
      ) : null}
      <Field
        label="Grace period for the old secret"
        hint="How long the current secret keeps working next to the new one. Never past the key's own expiry."
      >
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
    </DialogForm>
  );
}

import { type FormEvent, useRef, useState } from 'react';
import { Dialog, ErrorMessage, Field } from '../../components/ui';
import { useAction, useFocusFirstInvalid, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { type Errors } from '../../forms';
import { EnvironmentOptions } from './EnvironmentOptions';
import { checkCreateEnvironment, type CreateEnvironmentField, type CreateEnvironmentForm, emptyCreateForm } from './forms';
import { type Environment, type EnvironmentList, FOLDER_MODES, RECORD_LOCATIONS, USAGE_LIMIT_FIELDS } from './types';

const FOLDER_MODE_LABELS: Record<string, string> = { dynamic: 'Dynamic', fixed: 'Fixed' };
const LOCATION_LABELS: Record<string, string> = { us: 'US', eu: 'EU', ap: 'Asia Pacific' };

/** "New environment": every field the create endpoint takes. Calls `onCreated` with the API's answer, first key's secret included. */
export function CreateEnvironmentDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (env: Environment) => void;
}) {
  // The dialog renders its content only while open, so each opening starts with an empty form.
  return (
    <Dialog title="New environment" open={open} onClose={onClose}>
      <CreateEnvironmentForm onClose={onClose} onCreated={onCreated} />
    </Dialog>
  );
}

function CreateEnvironmentForm({ onClose, onCreated }: { onClose: () => void; onCreated: (env: Environment) => void }) {
  const { api, accountPath } = useSession();
  // Every environment, whatever the list behind the dialog is filtered by: candidates for "Base environment".
  const all = useLoad(() => api.get<EnvironmentList>(`${accountPath}/sub_accounts`), [api, accountPath]);
  const environments = all.data?.sub_accounts ?? [];
  const [form, setForm] = useState<CreateEnvironmentForm>(emptyCreateForm);
  const [errors, setErrors] = useState<Errors<CreateEnvironmentField>>({});
  const [moreOpen, setMoreOpen] = useState(false);
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const set = <K extends keyof CreateEnvironmentForm>(key: K, value: CreateEnvironmentForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const base = environments.find((e) => e.id === form.baseId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkCreateEnvironment(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      if (USAGE_LIMIT_FIELDS.some(({ key }) => checked.errors[key]) || checked.errors.attributes) setMoreOpen(true);
      return;
    }
    setErrors({});
    const created = await action.run(() => api.post<Environment>(`${accountPath}/sub_accounts`, checked.body));
    if (created) onCreated(created);
  };

  const inherited = (what: string) => (base ? `From ${base.name} (${what})` : `Default (${what})`);

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Name" error={errors.name}>
        {(p) => (
          <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" required maxLength={255} />
        )}
      </Field>
      <Field
        label="Cloud name"
        error={errors.cloudName}
        hint="Letters, digits, _ and -, up to 64 characters; unique across Castellan. Left blank, one is generated."
      >
        {(p) => (
          <input
            {...p}
            value={form.cloudName}
            onChange={(e) => set('cloudName', e.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
          />
        )}
      </Field>
      <Field label="Description" error={errors.description}>
        {(p) => (
          <input {...p} value={form.description} onChange={(e) => set('description', e.target.value)} autoComplete="off" maxLength={1000} />
        )}
      </Field>
      <Field
        label="Base environment"
        error={all.error ? `The environments could not be loaded: ${all.error}` : undefined}
        hint="Copies its usage limits, folder mode, custom attributes and record location (not its keys). Fields set here win."
      >
        {(p) => (
          <select {...p} value={form.baseId} onChange={(e) => set('baseId', e.target.value)}>
            <option value="">{all.loading ? 'None (loading environments…)' : 'None'}</option>
            <EnvironmentOptions environments={environments} />
          </select>
        )}
      </Field>
      <div className="env-form-row">
        <Field label="Folder mode" hint="Cannot change later.">
          {(p) => (
            <select
              {...p}
              value={form.folderMode}
              onChange={(e) => set('folderMode', e.target.value as CreateEnvironmentForm['folderMode'])}
            >
              <option value="">{inherited(base ? base.folder_mode : 'dynamic')}</option>
              {FOLDER_MODES.map((m) => (
                <option key={m} value={m}>
                  {FOLDER_MODE_LABELS[m]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Record location" hint="Where asset records are kept. Cannot change later.">
          {(p) => (
            <select
              {...p}
              value={form.recordLocation}
              onChange={(e) => set('recordLocation', e.target.value as CreateEnvironmentForm['recordLocation'])}
            >
              <option value="">{inherited(base ? base.asset_record_location : 'us')}</option>
              {RECORD_LOCATIONS.map((l) => (
                <option key={l} value={l}>
                  {LOCATION_LABELS[l]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <details className="more" open={moreOpen} onToggle={(e) => setMoreOpen(e.currentTarget.open)}>
        <summary>Usage limits and custom attributes</summary>
        <div className="env-form-row">
          {USAGE_LIMIT_FIELDS.map(({ key, label }) => (
            <Field key={key} label={label} error={errors[key]}>
              {(p) => (
                <input
                  {...p}
                  inputMode="decimal"
                  value={form.limits[key]}
                  onChange={(e) => set('limits', { ...form.limits, [key]: e.target.value })}
                  autoComplete="off"
                />
              )}
            </Field>
          ))}
        </div>
        <Field label="Custom attributes" error={errors.attributes} hint='A JSON object, e.g. {"team": "mobile"}'>
          {(p) => <textarea {...p} value={form.attributes} onChange={(e) => set('attributes', e.target.value)} spellCheck={false} />}
        </Field>
      </details>
      {Object.keys(errors).length ? (
        <p className="field-error" role="alert">
          Check the highlighted fields.
        </p>
      ) : null}
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={action.busy}>
          Create
        </button>
      </div>
    </form>
  );
}

import { type FormEvent, useRef, useState } from 'react';
import { DateTime, ErrorMessage, Field } from '../../components/ui';
import { useAction, useFocusFirstInvalid } from '../../hooks';
import { useSession } from '../../session';
import { type Errors } from '../../forms';
import { checkEnvironmentSettings, type EnvironmentSettingsField, type EnvironmentSettingsForm, settingsForm } from './forms';
import { type Environment, environmentPath, USAGE_LIMIT_FIELDS } from './types';

/** The environment's settings: a form for a key that may update it, a read-only list otherwise. */
export function EnvironmentSettings({ env, onSaved }: { env: Environment; onSaved: (env: Environment) => void }) {
  const { can } = useSession();
  return (
    <section className="panel" aria-labelledby="env-settings-title">
      <h2 id="env-settings-title">Settings</h2>
      {can('provisioning:sub_accounts.update') ? <SettingsForm env={env} onSaved={onSaved} /> : <SettingsList env={env} />}
      <FixedFacts env={env} />
    </section>
  );
}

function FixedFacts({ env }: { env: Environment }) {
  return (
    <dl className="env-facts">
      <div>
        <dt>ID</dt>
        <dd>
          <code>{env.id}</code>
        </dd>
      </div>
      <div>
        <dt>Folder mode</dt>
        <dd>{env.folder_mode}</dd>
      </div>
      <div>
        <dt>Record location</dt>
        <dd>{env.asset_record_location.toUpperCase()}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <DateTime value={env.created_at} />
        </dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>
          <DateTime value={env.updated_at} />
        </dd>
      </div>
    </dl>
  );
}

function SettingsList({ env }: { env: Environment }) {
  const limits = USAGE_LIMIT_FIELDS.filter(({ key }) => env.usage_limits?.[key] !== undefined && env.usage_limits?.[key] !== null);
  return (
    <dl className="env-facts">
      <div>
        <dt>Name</dt>
        <dd>{env.name}</dd>
      </div>
      <div>
        <dt>Cloud name</dt>
        <dd>
          <code>{env.cloud_name}</code>
        </dd>
      </div>
      <div>
        <dt>Description</dt>
        <dd>{env.description ?? <span className="muted">—</span>}</dd>
      </div>
      {limits.map(({ key, label }) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd>{env.usage_limits?.[key]}</dd>
        </div>
      ))}
      {env.custom_attributes && Object.keys(env.custom_attributes).length ? (
        <div>
          <dt>Custom attributes</dt>
          <dd>
            <code>{JSON.stringify(env.custom_attributes)}</code>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function SettingsForm({ env, onSaved }: { env: Environment; onSaved: (env: Environment) => void }) {
  const { api, accountPath } = useSession();
  const [form, setForm] = useState<EnvironmentSettingsForm>(() => settingsForm(env));
  const [errors, setErrors] = useState<Errors<EnvironmentSettingsField>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const set = <K extends keyof EnvironmentSettingsForm>(key: K, value: EnvironmentSettingsForm[K]) => {
    setSaved(null);
    setForm((f) => ({ ...f, [key]: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const checked = checkEnvironmentSettings(form, env);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (!Object.keys(checked.body).length) {
      setSaved('Nothing to save: no setting changed.');
      return;
    }
    const updated = await action.run(() => api.put<Environment>(environmentPath(accountPath, env.id), checked.body));
    if (updated) {
      setForm(settingsForm(updated));
      setSaved('Saved.');
      onSaved(updated);
    }
  };

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      <div className="env-form-row">
        <Field label="Name" error={errors.name}>
          {(p) => (
            <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" required maxLength={255} />
          )}
        </Field>
        <Field label="Cloud name" error={errors.cloudName} hint="Changing it changes every key's CLOUDINARY_URL.">
          {(p) => (
            <input
              {...p}
              value={form.cloudName}
              onChange={(e) => set('cloudName', e.target.value)}
              autoComplete="off"
              spellCheck={false}
              required
              maxLength={64}
            />
          )}
        </Field>
      </div>
      <Field label="Description" error={errors.description}>
        {(p) => (
          <input {...p} value={form.description} onChange={(e) => set('description', e.target.value)} autoComplete="off" maxLength={1000} />
        )}
      </Field>
      <fieldset className="env-fieldset">
        <legend>Usage limits</legend>
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
      </fieldset>
      <Field label="Custom attributes" error={errors.attributes} hint='A JSON object, e.g. {"team": "mobile"}. Empty removes them.'>
        {(p) => (
          <textarea
            {...p}
            className="env-settings-attributes"
            value={form.attributes}
            onChange={(e) => set('attributes', e.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <ErrorMessage message={action.error} />
      <div className="actions env-actions-start">
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
        <span role="status" className="muted">
          {saved}
        </span>
      </div>
    </form>
  );
}

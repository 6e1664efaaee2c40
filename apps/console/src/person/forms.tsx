import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { ErrorMessage, Field } from '../components/ui';
import type { Errors } from '../forms';
import { useFocusFirstInvalid } from '../hooks';
import { EMPTY_PASSWORD, newPasswordErrors, placeRefusal } from './passwords';

type PasswordField = 'current' | 'password' | 'repeat';

/** The API's names of password fields, as the form calls them: a refusal's `error.path` puts its message there. */
const PASSWORD_PATHS: Partial<Record<string, PasswordField>> = {
  password: 'password',
  new_password: 'password',
  current_password: 'current',
};

/**
 * A form that sets a new password, typed twice, and with `withCurrent` the current one first. Checks what it can
 * before sending; the API's refusal of a password shows at its field.
 */
export function NewPasswordForm({
  submitLabel,
  withCurrent = false,
  autoFocus = false,
  onSubmit,
}: {
  submitLabel: string;
  withCurrent?: boolean;
  autoFocus?: boolean;
  /** Throws the API's refusal; the fields empty once it resolves. */
  onSubmit: (values: { current: string; password: string }) => Promise<unknown>;
}) {
  const [values, setValues] = useState({ current: '', ...EMPTY_PASSWORD });
  const [errors, setErrors] = useState<Errors<PasswordField>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);
  const set = (field: PasswordField) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = { ...(withCurrent && !values.current ? { current: 'Enter your current password' } : {}), ...newPasswordErrors(values) };
    setErrors(found);
    setRefusal(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await onSubmit(values);
      setValues({ current: '', ...EMPTY_PASSWORD });
    } catch (error) {
      const placed = placeRefusal(error, PASSWORD_PATHS);
      setErrors(placed.field);
      setRefusal(placed.form);
    } finally {
      setBusy(false);
    }
  };

  const input = (field: PasswordField, autoComplete: string, focus: boolean) => (props: object) => (
    <input
      {...props}
      type="password"
      autoComplete={autoComplete}
      autoFocus={focus}
      value={values[field]}
      onChange={(e) => set(field)(e.target.value)}
    />
  );
  return (
    <form ref={form} onSubmit={(e) => void submit(e)} noValidate>
      {withCurrent ? (
        <Field label="Current password" error={errors.current}>
          {input('current', 'current-password', autoFocus)}
        </Field>
      ) : null}
      <Field
        label="New password"
        error={errors.password}
        hint="At least 12 characters. Not a common password, nor your name or email address."
      >
        {input('password', 'new-password', autoFocus && !withCurrent)}
      </Field>
      <Field label="Repeat the new password" error={errors.repeat}>
        {input('repeat', 'new-password', false)}
      </Field>
      <ErrorMessage message={refusal} />
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

/**
 * One code to send: a 6-digit code from an authenticator app, or where `hint` says so a recovery code. A refusal
 * that names the code shows at the field; any other for the form.
 */
export function CodeForm({
  label,
  hint,
  submitLabel,
  autoFocus = false,
  onSubmit,
  children,
}: {
  label: string;
  hint?: string;
  submitLabel: string;
  autoFocus?: boolean;
  onSubmit: (code: string) => Promise<unknown>;
  /** More buttons, after the submit button (Cancel). */
  children?: ReactNode;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = code.replace(/\s+/g, '');
    setRefusal(null);
    setError(value ? undefined : 'Enter the code');
    if (!value) return field.current?.focus();
    setBusy(true);
    try {
      await onSubmit(value);
      setCode('');
    } catch (e) {
      const placed = placeRefusal(e, { code: 'code' as const });
      setError(placed.field.code);
      setRefusal(placed.form);
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Field label={label} hint={hint} error={error}>
        {(props) => (
          <input
            {...props}
            ref={field}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="one-time-code"
            autoFocus={autoFocus}
            spellCheck={false}
          />
        )}
      </Field>
      <ErrorMessage message={refusal} />
      <div className="actions start">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}

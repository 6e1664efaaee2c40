import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../../api';
import { DateTime, ErrorMessage, Field, LoadState } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useSession } from '../../session';
import '../people/people.css';
import {
  certificateStatus,
  type CertificateDetails,
  distinguishedNameParts,
  fieldOfApiError,
  type SecurityErrors,
  type SecurityFormValues,
  type SecuritySettings,
  securityBody,
  securityFormValues,
  TWO_FACTOR_POLICIES,
  type TwoFactorPolicy,
  validateSecurity,
} from './securityForm';
import './security.css';
import { VerificationCodes } from './VerificationCodes';

const TWO_FACTOR_LABELS: Record<TwoFactorPolicy, string> = {
  optional: 'Optional: each user chooses',
  required: 'Required for every user',
};

/** `#/security`: two-factor policy, SAML single sign-on, account-wide key rules, and support verification codes. */
export function SecurityPage() {
  const { api, accountPath, can } = useSession();
  const settings = useLoad(() => api.get<SecuritySettings>(`${accountPath}/security`), [api, accountPath]);
  const mayVerify = can('provisioning:verification_codes.create') || can('provisioning:verification_codes.verify');
  return (
    <section aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      <LoadState loaded={settings} what="security settings">
        {(data) => <SecurityForm settings={data} onSaved={settings.reload} />}
      </LoadState>
      {mayVerify ? <VerificationCodes /> : null}
    </section>
  );
}

function SecurityForm({ settings, onSaved }: { settings: SecuritySettings; onSaved: () => void }) {
  const { api, accountPath, can } = useSession();
  const mayUpdate = can('provisioning:security.update');
  const [values, setValues] = useState<SecurityFormValues>(() => securityFormValues(settings));
  const [errors, setErrors] = useState<SecurityErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => setValues(securityFormValues(settings)), [settings]);

  const set = <K extends keyof SecurityFormValues>(key: K, value: SecurityFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setNotice(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setGeneral(null);
    setNotice(null);
    const problems = validateSecurity(values, settings);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const body = securityBody(values, settings);
    if (Object.keys(body).length === 0) return setNotice('Nothing to save: no setting changed.');
    setBusy(true);
    try {
      await api.put<SecuritySettings>(`${accountPath}/security`, body);
      setNotice('Saved the security settings.');
      onSaved();
    } catch (e) {
      const message = errorMessage(e);
      const field = e instanceof ApiError && (e.status === 400 || e.status === 409) ? fieldOfApiError(e) : null;
      if (field) setErrors({ [field]: message });
      else setGeneral(message);
    } finally {
      setBusy(false);
    }
  };

  const disabled = !mayUpdate;
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Security settings">
      {!mayUpdate ? <p className="muted">This key may read the security settings but not change them.</p> : null}

      <div className="panel">
        <h2>Two-factor policy</h2>
        <Field label="Two-factor authentication" error={errors.twoFactor}>
          {(props) => (
            <select
              {...props}
              value={values.twoFactor}
              disabled={disabled}
              onChange={(e) => set('twoFactor', e.target.value as TwoFactorPolicy)}
            >
              {TWO_FACTOR_POLICIES.map((p) => (
                <option key={p} value={p}>
                  {TWO_FACTOR_LABELS[p]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <div className="panel">
        <h2>SAML single sign-on</h2>
        <CheckboxField
          id="saml-enabled-error"
          label="Enable SAML single sign-on"
          checked={values.samlEnabled}
          disabled={disabled}
          error={errors.samlEnabled}
          onChange={(checked) => set('samlEnabled', checked)}
        />
        <Field label="Identity provider entity ID" error={errors.idpEntityId} hint="Often the URL of the identity provider's metadata">
          {(props) => (
            <input
              {...props}
              value={values.idpEntityId}
              disabled={disabled}
              onChange={(e) => set('idpEntityId', e.target.value)}
              autoComplete="off"
            />
          )}
        </Field>
        <Field label="Single sign-on URL" error={errors.ssoUrl} hint="https only">
          {(props) => (
            <input
              {...props}
              type="url"
              value={values.ssoUrl}
              disabled={disabled}
              onChange={(e) => set('ssoUrl', e.target.value)}
              autoComplete="off"
              placeholder="https://idp.example.com/sso"
            />
          )}
        </Field>
        <Field
          label="Certificate (PEM)"
          error={errors.certificate}
          hint={
            settings.saml.certificate
              ? 'Paste a new certificate to replace the stored one; leave empty to keep it'
              : "The identity provider's signing certificate"
          }
        >
          {(props) => (
            <textarea
              {...props}
              rows={6}
              value={values.certificate}
              disabled={disabled}
              onChange={(e) => set('certificate', e.target.value)}
              spellCheck={false}
              placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
            />
          )}
        </Field>
        <CertificatePanel certificate={settings.saml.certificate} />
        <CheckboxField
          id="sso-required-error"
          label="Require single sign-on: users must sign in through SAML"
          checked={values.ssoRequired}
          disabled={disabled}
          error={errors.ssoRequired}
          onChange={(checked) => set('ssoRequired', checked)}
        />
      </div>

      <div className="panel">
        <h2>Rules for every key</h2>
        <Field
          label="Allowed IP addresses"
          error={errors.allowedIps}
          hint={
            'Addresses or CIDR ranges, one per line, every key of the account may be used from. Empty: anywhere. ' +
            'The list must include your own address.'
          }
        >
          {(props) => (
            <textarea
              {...props}
              rows={4}
              value={values.allowedIps}
              disabled={disabled}
              onChange={(e) => set('allowedIps', e.target.value)}
              spellCheck={false}
              placeholder="203.0.113.0/24"
            />
          )}
        </Field>
        <Field
          label="Maximum key lifetime (days)"
          error={errors.keyMaxLifetimeDays}
          hint="New keys of every kind expire within this many days. Empty or 0: no cap."
        >
          {(props) => (
            <input
              {...props}
              type="number"
              min={0}
              max={3650}
              step={1}
              inputMode="numeric"
              value={values.keyMaxLifetimeDays}
              disabled={disabled}
              onChange={(e) => set('keyMaxLifetimeDays', e.target.value)}
            />
          )}
        </Field>
      </div>

      <ErrorMessage message={general} />
      {Object.keys(errors).length ? (
        <p className="field-error" role="alert">
          Some settings need attention: see the messages above.
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p className="muted">
        Last changed: <DateTime value={settings.updated_at} />
      </p>
      {mayUpdate ? (
        <div className="actions" style={{ justifyContent: 'flex-start' }}>
          <button type="submit" className="primary" disabled={busy}>
            Save security settings
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              setValues(securityFormValues(settings));
              setErrors({});
              setGeneral(null);
              setNotice(null);
            }}
          >
            Reset
          </button>
        </div>
      ) : null}
    </form>
  );
}

/** What the API shows of the stored certificate: never the PEM, only these details. */
/** A checkbox with its own validation message; `id` is the message's. */
function CheckboxField({
  id,
  label,
  checked,
  disabled,
  error,
  onChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  disabled: boolean;
  error?: string;
  onChange: (checked: boolean) => void;
}) {
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={error ? id : undefined}
          aria-invalid={error ? true : undefined}
        />
        {label}
      </label>
      {error ? (
        <p id={id} className="field-error">
          {error}
        </p>
      ) : null}
    </>
  );
}

function CertificatePanel({ certificate }: { certificate: CertificateDetails | null }) {
  if (!certificate) return <p className="muted">No certificate stored.</p>;
  const status = certificateStatus(certificate, new Date());
  return (
    <section className="certificate" aria-labelledby="certificate-title">
      <h3 id="certificate-title">
        Stored certificate{' '}
        <span className={`badge ${status.state === 'valid' ? 'on' : status.state === 'expiring' ? 'root' : 'fail'}`}>{status.text}</span>
      </h3>
      <dl className="secret-values">
        <dt>Subject</dt>
        <dd>
          {distinguishedNameParts(certificate.subject).map((part) => (
            <code key={part}>{part}</code>
          ))}
        </dd>
        <dt>Issuer</dt>
        <dd>
          {distinguishedNameParts(certificate.issuer).map((part) => (
            <code key={part}>{part}</code>
          ))}
        </dd>
        <dt>Valid from</dt>
        <dd>
          <DateTime value={certificate.valid_from} />
        </dd>
        <dt>Valid to</dt>
        <dd>
          <DateTime value={certificate.valid_to} />
        </dd>
        <dt>SHA-256 fingerprint</dt>
        <dd>
          <code className="fingerprint">{certificate.fingerprint_sha256}</code>
        </dd>
      </dl>
    </section>
  );
}

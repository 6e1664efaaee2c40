import { useState } from 'react';
import { DateTime, ErrorMessage, LoadState, Notice } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { CodeForm } from '../../person/forms';
import { RecoveryCodesView, TotpSetup } from '../../person/two-factor';
import type { RecoveryCodes, TwoFactorEnrollment, TwoFactorStatus } from '../../person/wire';
import { useSession } from '../../session';

/** What the section shows besides the status: a step under way, or new recovery codes (shown once). */
type Step =
  { kind: 'enrolling'; enrollment: TwoFactorEnrollment } | { kind: 'disabling' | 'regenerating' } | { kind: 'codes'; codes: string[] };

/** What proves it is me before the second factor changes. */
const CODE = { label: 'Code', hint: 'From your authenticator app, or one of your recovery codes.' };

/** My second factor: its status; enrolling, turning it off (unless the account requires it), new recovery codes. */
export function TwoFactorSection() {
  const { api } = useSession();
  const status = useLoad(() => api.get<TwoFactorStatus>('/v1_1/me/two-factor'), [api]);
  const [step, setStep] = useState<Step | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const start = useAction();

  const begin = async () => {
    setNotice(null);
    const enrollment = await start.run(() => api.post<TwoFactorEnrollment>('/v1_1/me/two-factor'));
    if (enrollment) setStep({ kind: 'enrolling', enrollment });
  };
  const showCodes = (answer: RecoveryCodes) => {
    setStep({ kind: 'codes', codes: answer.recovery_codes });
    status.reload();
  };
  const confirm = async (code: string) => showCodes(await api.post<RecoveryCodes>('/v1_1/me/two-factor/confirm', { code }));
  const regenerate = async (code: string) => showCodes(await api.post<RecoveryCodes>('/v1_1/me/recovery-codes', { code }));
  const disable = async (code: string) => {
    await api.delete('/v1_1/me/two-factor', { code });
    setStep(null);
    setNotice('Two-factor authentication is off.');
    status.reload();
  };
  const cancel = (
    <button type="button" onClick={() => setStep(null)}>
      Cancel
    </button>
  );

  return (
    <section className="panel" aria-labelledby="profile-2fa-title">
      <h2 id="profile-2fa-title">Two-factor authentication</h2>
      {step?.kind === 'codes' ? (
        <RecoveryCodesView codes={step.codes} level={3} onDone={() => setStep(null)} />
      ) : step?.kind === 'enrolling' ? (
        <TotpSetup enrollment={step.enrollment} onConfirm={confirm} autoFocus>
          {cancel}
        </TotpSetup>
      ) : (
        <LoadState loaded={status} what="your two-factor status">
          {(current) =>
            current.enabled ? (
              <>
                <p>
                  On since <DateTime value={current.enabled_at} />. Recovery codes left: <strong>{current.recovery_codes_left}</strong>.
                </p>
                {step?.kind === 'regenerating' ? (
                  <CodeForm {...CODE} submitLabel="Make new recovery codes" autoFocus onSubmit={regenerate}>
                    {cancel}
                  </CodeForm>
                ) : step?.kind === 'disabling' ? (
                  <CodeForm {...CODE} submitLabel="Turn off two-factor authentication" autoFocus onSubmit={disable}>
                    {cancel}
                  </CodeForm>
                ) : (
                  <div className="actions start">
                    <button type="button" onClick={() => setStep({ kind: 'regenerating' })}>
                      New recovery codes
                    </button>
                    {current.policy === 'required' ? null : (
                      <button type="button" className="danger-outline" onClick={() => setStep({ kind: 'disabling' })}>
                        Turn off
                      </button>
                    )}
                  </div>
                )}
                {current.policy === 'required' ? (
                  <p className="muted">Your account requires two-factor authentication: it cannot be turned off.</p>
                ) : null}
              </>
            ) : (
              <>
                <p>Off. With it on, each sign-in also asks for a code from an authenticator app.</p>
                <button type="button" className="primary" onClick={() => void begin()} disabled={start.busy}>
                  Set up two-factor authentication
                </button>
              </>
            )
          }
        </LoadState>
      )}
      <ErrorMessage message={start.error} />
      <Notice message={notice} />
    </section>
  );
}

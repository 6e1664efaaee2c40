import { type FormEvent, useId, useState } from 'react';
import { type Schemas, unionMembers } from '../../api';
import { DateTime, ErrorMessage, Field, Notice } from '../../components/ui';
import { nameError } from '../../forms';
import { useAction } from '../../hooks';
import { NewPasswordForm } from '../../person/forms';
import { placeRefusal } from '../../person/passwords';
import type { Profile, ThemePreference } from '../../person/wire';
import { useSession } from '../../session';
import { languageOptions } from './languages';

/** Name, language and which optional mails to get; saved together. */
export function ProfileDetails({ profile }: { profile: Profile }) {
  const { api, profileChanged } = useSession();
  const [name, setName] = useState(profile.name);
  const [language, setLanguage] = useState(profile.language);
  const [mails, setMails] = useState(profile.email_preferences);
  const [nameProblem, setNameProblem] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    setRefusal(null);
    const problem = nameError(name, { required: true });
    setNameProblem(problem);
    if (problem) return;
    setBusy(true);
    try {
      profileChanged(await api.put<Profile>('/v1_1/me', { name: name.trim(), language, email_preferences: mails }));
      setNotice('Your profile is saved.');
    } catch (error) {
      const placed = placeRefusal(error, { name: 'name' as const });
      setNameProblem(placed.field.name);
      setRefusal(placed.form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="profile-details-title">
      <h2 id="profile-details-title">Details</h2>
      <form onSubmit={(e) => void submit(e)} noValidate className="profile-form">
        <Field label="Name" error={nameProblem}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />}
        </Field>
        <Field label="Email" hint="Your administrator changes it.">
          {(props) => <input {...props} value={profile.email} readOnly />}
        </Field>
        <Field label="Language" hint="The console is in English for now; other languages will follow.">
          {(props) => (
            <select {...props} value={language} onChange={(e) => setLanguage(e.target.value)}>
              {languageOptions(profile.language).map((option) => (
                <option key={option.tag} value={option.tag}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="profile-mails">
          <legend>E-mail</legend>
          <label>
            <input
              type="checkbox"
              checked={mails.product_updates}
              onChange={(e) => setMails((m) => ({ ...m, product_updates: e.target.checked }))}
            />{' '}
            Product updates: new features and releases
          </label>
          <label>
            <input
              type="checkbox"
              checked={mails.security_notifications}
              onChange={(e) => setMails((m) => ({ ...m, security_notifications: e.target.checked }))}
            />{' '}
            Security notifications: sign-ins and changes to my security settings
          </label>
          <small className="muted">Invitations, password resets and verification codes are always sent.</small>
        </fieldset>
        <ErrorMessage message={refusal} />
        <Notice message={notice} />
        <div className="actions start">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

const THEMES = unionMembers<ThemePreference>()(['light', 'dark', 'system']);
const THEME_LABELS: Record<ThemePreference, string> = { light: 'Light', dark: 'Dark', system: 'As my device is set' };

/** The console's colours: shown the moment one is chosen, and saved with it. */
export function ThemeSection({ profile }: { profile: Profile }) {
  const { api, profileChanged } = useSession();
  const action = useAction();
  const name = useId();
  const choose = async (theme: ThemePreference) => {
    const before = profile;
    profileChanged({ ...profile, theme });
    const saved = await action.run(() => api.put<Profile>('/v1_1/me', { theme }));
    profileChanged(saved ?? before);
  };
  return (
    <section className="panel" aria-labelledby="profile-theme-title">
      <h2 id="profile-theme-title">Appearance</h2>
      <fieldset className="profile-themes" disabled={action.busy}>
        <legend>Theme</legend>
        {THEMES.map((theme) => (
          <label key={theme}>
            <input type="radio" name={name} value={theme} checked={profile.theme === theme} onChange={() => void choose(theme)} />{' '}
            {THEME_LABELS[theme]}
          </label>
        ))}
      </fieldset>
      <ErrorMessage message={action.error} />
    </section>
  );
}

/** Changing my password, which ends my other sessions. */
export function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const { api } = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  const change = async ({ current, password }: { current: string; password: string }) => {
    setNotice(null);
    await api.put('/v1_1/me/password', { current_password: current, new_password: password });
    setNotice('Your password is changed. Your other sessions have ended.');
    onChanged();
  };
  return (
    <section className="panel" aria-labelledby="profile-password-title">
      <h2 id="profile-password-title">Password</h2>
      <div className="profile-form">
        <NewPasswordForm submitLabel="Change password" withCurrent onSubmit={change} />
      </div>
      <Notice message={notice} />
    </section>
  );
}

/** A code mailed to me, which support asks for to know it is me they speak to. */
export function SupportCodeSection({ email }: { email: string }) {
  const { api } = useSession();
  const action = useAction();
  const [sent, setSent] = useState<Schemas['VerificationCodeSentDto'] | null>(null);
  const send = async () => {
    setSent(null);
    const answer = await action.run(() => api.post<Schemas['VerificationCodeSentDto']>('/v1_1/me/verification-code'));
    if (answer) setSent(answer);
  };
  return (
    <section className="panel" aria-labelledby="profile-support-title">
      <h2 id="profile-support-title">Support verification</h2>
      <p className="muted">When you contact support, they may ask for a code that proves it is you.</p>
      <button type="button" onClick={() => void send()} disabled={action.busy}>
        Send me a support verification code
      </button>
      <ErrorMessage message={action.error} />
      <p role="status" className={sent ? 'notice' : 'cs-visually-hidden'}>
        {sent ? (
          <>
            A code is on its way to {email}. It works until <DateTime value={sent.expires_at} />.
          </>
        ) : null}
      </p>
    </section>
  );
}

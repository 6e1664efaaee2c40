import { type FormEvent, useState } from 'react';
import type { Schemas } from '../../api';
import { DateTime, ErrorMessage, Field } from '../../components/ui';
import { useAction, useLoad } from '../../hooks';
import { useSession } from '../../session';
import { loadUsers, optional } from '../people/loaders';
import type { User } from '../people/people';

/**
 * Support verification codes: a 6-digit code the API mails to a user (never shown to the caller), which the
 * user reads out to support, who checks it here. A correct check burns the code; so does the fifth wrong one.
 */
export function VerificationCodes() {
  const { api, accountPath, can } = useSession();
  const users = useLoad(
    () => optional(can('provisioning:users.read'), () => loadUsers(api, accountPath).then((r) => r.users)),
    [api, accountPath],
  );
  return (
    <div className="panel verification">
      <h2>Support verification codes</h2>
      <p className="muted">
        Before support acts for a user, send the user a code: Castellan mails a 6-digit code, valid for 10 minutes, to the user's address.
        The user reads it back, and you check it here. A new code replaces the previous one.
      </p>
      {can('provisioning:verification_codes.create') ? <SendCode users={users.data} /> : null}
      {can('provisioning:verification_codes.verify') ? <CheckCode users={users.data} /> : null}
    </div>
  );
}

/** A user select when the key may list users; otherwise the user id typed in. */
function UserChoice({
  label,
  users,
  value,
  onChange,
  error,
}: {
  label: string;
  users: User[] | null;
  value: string;
  onChange: (id: string) => void;
  error?: string | null;
}) {
  return (
    <Field label={label} error={error}>
      {(props) =>
        users ? (
          <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choose a user…</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
        ) : (
          <input {...props} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" placeholder="User id" />
        )
      }
    </Field>
  );
}

function SendCode({ users }: { users: User[] | null }) {
  const { api, accountPath } = useSession();
  const [userId, setUserId] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const [sent, setSent] = useState<{ to: string; expiresAt: string } | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    if (!userId.trim()) return setMissing('Choose the user to send a code to');
    setMissing(null);
    const res = await action.run(() =>
      api.post<Schemas['VerificationCodeSentDto']>(`${accountPath}/users/${encodeURIComponent(userId.trim())}/verification_code`),
    );
    if (!res) return;
    const user = users?.find((u) => u.id === userId.trim());
    setSent({ to: user ? `${user.name} (${user.email})` : userId.trim(), expiresAt: res.expires_at });
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Send a verification code">
      <h3>Send a code</h3>
      <div className="inline-form">
        <UserChoice label="User to send a code to" users={users} value={userId} onChange={setUserId} error={missing} />
        <button type="submit" disabled={action.busy}>
          Send verification code
        </button>
      </div>
      <ErrorMessage message={action.error} />
      {sent ? (
        <p className="notice" role="status">
          A verification code was sent to {sent.to}. It expires at <DateTime value={sent.expiresAt} />.
        </p>
      ) : null}
    </form>
  );
}

function CheckCode({ users }: { users: User[] | null }) {
  const { api, accountPath } = useSession();
  const [userId, setUserId] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ user?: string; code?: string }>({});
  const [result, setResult] = useState<boolean | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    const problems = {
      user: userId.trim() ? undefined : 'Choose the user who received the code',
      code: /^\d{6}$/.test(code.trim()) ? undefined : 'Enter the 6 digits of the code',
    };
    setErrors(problems);
    if (problems.user || problems.code) return;
    const res = await action.run(() =>
      api.post<Schemas['VerificationResultDto']>(`${accountPath}/verification_codes/verify`, { user_id: userId.trim(), code: code.trim() }),
    );
    if (!res) return;
    setResult(res.valid);
    setCode('');
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Check a verification code" style={{ marginTop: '1rem' }}>
      <h3>Check a code</h3>
      <div className="inline-form">
        <UserChoice label="User who received the code" users={users} value={userId} onChange={setUserId} error={errors.user} />
        <Field label="Code" error={errors.code}>
          {(props) => (
            <input
              {...props}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              size={8}
            />
          )}
        </Field>
        <button type="submit" disabled={action.busy}>
          Check code
        </button>
      </div>
      <ErrorMessage message={action.error} />
      {result === true ? (
        <p className="notice" role="status">
          Valid: the code is correct. It is now used up.
        </p>
      ) : null}
      {result === false ? (
        <p className="error" role="status">
          Not valid: the code is wrong, expired or already used. After five wrong tries the code stops working; send a new one.
        </p>
      ) : null}
    </form>
  );
}

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { CodeForm } from './forms';
import type { TwoFactorEnrollment } from './wire';
import './two-factor.css';

/** A base32 key in groups of four, as authenticator apps show and accept it. */
const groupedKey = (secret: string): string => secret.match(/.{1,4}/g)?.join(' ') ?? '';

/**
 * Adding Castellan to an authenticator app: the QR code, or the key typed in by hand, then the app's first code,
 * which `onConfirm` sends (it throws the API's refusal, shown at the field).
 */
export function TotpSetup({
  enrollment,
  onConfirm,
  autoFocus = false,
  children,
}: {
  enrollment: TwoFactorEnrollment;
  onConfirm: (code: string) => Promise<unknown>;
  autoFocus?: boolean;
  /** Buttons after Confirm (Cancel). */
  children?: ReactNode;
}) {
  const keyLabel = useId();
  return (
    <div className="totp-setup">
      <p>Scan this QR code with an authenticator app (such as 1Password, Google Authenticator or Microsoft Authenticator):</p>
      <img
        className="totp-qr"
        src={enrollment.qr_code}
        alt="QR code that adds Castellan to an authenticator app"
        width={176}
        height={176}
      />
      <p id={keyLabel}>Or type this key into the app:</p>
      <p>
        <code className="totp-key" aria-labelledby={keyLabel} data-testid="totp-secret">
          {groupedKey(enrollment.secret)}
        </code>
      </p>
      <CodeForm
        label="Code from the app"
        hint="The 6 digits the app shows for Castellan."
        submitLabel="Confirm"
        autoFocus={autoFocus}
        onSubmit={onConfirm}
      >
        {children}
      </CodeForm>
    </div>
  );
}

type Copied = 'yes' | 'failed' | null;

/**
 * The recovery codes, the one time they are shown. Focus moves to the heading, so that a screen reader reads from
 * there; `onDone` is the "I have saved them" button.
 */
export function RecoveryCodesView({ codes, onDone, level = 2 }: { codes: string[]; onDone: () => void; level?: 2 | 3 }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const [copied, setCopied] = useState<Copied>(null);
  useEffect(() => heading.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  const Heading = `h${level}` as const;
  return (
    <section className="recovery-codes" aria-labelledby={titleId}>
      <Heading id={titleId} ref={heading} tabIndex={-1}>
        Save your recovery codes
      </Heading>
      <p>
        Each code signs you in once when you cannot use your authenticator app. <strong>They will not be shown again.</strong> Keep them
        somewhere safe, such as a password manager.
      </p>
      <ul aria-label="Recovery codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p role="status" className={copied ? 'muted' : 'cs-visually-hidden'}>
        {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'The browser did not allow copying: select the codes instead.' : null}
      </p>
      <div className="actions start">
        <button type="button" onClick={() => void copy()}>
          Copy the codes
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </section>
  );
}

import type { IssuedSecret } from '../../components/SecretDialog';

/** The wire shape of an account API key or a user API key (`AccessKeyDto`), shared by the account-key and user-key screens. */
export interface ApiKeyRecord {
  name: string;
  api_key: string;
  api_secret?: string;
  created_at: string;
  updated_at: string;
  enabled: boolean;
  root: boolean;
  description: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  expires_at: string | null;
  previous_secret_expires_at: string | null;
  allowed_ips: string[] | null;
  rate_limit_per_minute: number | null;
  /** Account and user keys, only with the secret: `account://<api_key>:<api_secret>@<account_id>`. */
  account_url?: string;
}

/** A secret just issued (generate or rotate): kept in state only until its dialog closes. */
export const issuedSecret = (key: ApiKeyRecord): IssuedSecret | null =>
  key.api_secret
    ? { apiKey: key.api_key, secret: key.api_secret, connection: key.account_url ? { label: 'Account URL', value: key.account_url } : undefined, previousSecretExpiresAt: key.previous_secret_expires_at }
    : null;

/** Grace periods offered when rotating (the API takes 0–604800 seconds). */
export const GRACE_PERIODS: { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None: the old secret stops now' },
  { seconds: 600, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '7 days (the longest)' },
];



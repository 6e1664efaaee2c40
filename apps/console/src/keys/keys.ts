import type { IssuedSecret } from '../components/SecretDialog';

/**
 * The API's `AccessKeyDto`, one shape for the three kinds of key: an environment's access keys, the account's API
 * keys and a user's API keys.
 */
export interface ApiKey {
  name: string;
  api_key: string;
  /** Only in the generate and rotate responses. */
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
  /** Environment keys: the purposes this key is the environment's one key for. */
  dedicated_for?: string[];
  /** Environment keys, only with the secret: their CLOUDINARY_URL. */
  api_environment_variable?: string;
  /** Account and user keys, only with the secret: `account://<api_key>:<api_secret>@<account_id>`. */
  account_url?: string;
}

/** Whether the key's expiry has passed (an expired key stays listed, and is refused). */
export const isExpired = (key: Pick<ApiKey, 'expires_at'>, now = Date.now()) => key.expires_at !== null && new Date(key.expires_at).getTime() <= now;

/** An environment key's paste-ready form: the CLOUDINARY_URL its SDKs read. */
export const cloudinaryUrl = (value: string | undefined): IssuedSecret['connection'] => (value ? { label: 'CLOUDINARY_URL', value } : undefined);

/** The secret a generate or rotate answer carries, for the "Save your secret" dialog; null when it holds none. */
export const issuedSecret = (key: ApiKey): IssuedSecret | null =>
  key.api_secret
    ? {
        apiKey: key.api_key,
        secret: key.api_secret,
        connection: cloudinaryUrl(key.api_environment_variable) ?? (key.account_url ? { label: 'Account URL', value: key.account_url } : undefined),
        previousSecretExpiresAt: key.previous_secret_expires_at,
      }
    : null;

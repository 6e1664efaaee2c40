import type { Schemas } from '../api';
import type { IssuedSecret } from '../components/SecretDialog';

/**
 * The API's `AccessKeyDto`, one shape for the three kinds of key: an environment's access keys, the account's API
 * keys and a user's API keys. `api_secret` and its paste-ready forms come only in the generate and rotate answers.
 */
export type ApiKey = Schemas['AccessKeyDto'];

/** Whether the key's expiry has passed (an expired key stays listed, and is refused). */
export const isExpired = (key: Pick<ApiKey, 'expires_at'>, now = Date.now()) =>
  key.expires_at !== null && new Date(key.expires_at).getTime() <= now;

/** An environment key's paste-ready form: the CLOUDINARY_URL its SDKs read. */
export const cloudinaryUrl = (value: string | undefined): IssuedSecret['connection'] =>
  value ? { label: 'CLOUDINARY_URL', value } : undefined;

/** The secret a generate or rotate answer carries, for the "Save your secret" dialog; null when it holds none. */
export const issuedSecret = (key: ApiKey): IssuedSecret | null =>
  key.api_secret
    ? {
        apiKey: key.api_key,
        secret: key.api_secret,
        connection:
          cloudinaryUrl(key.api_environment_variable) ?? (key.account_url ? { label: 'Account URL', value: key.account_url } : undefined),
        previousSecretExpiresAt: key.previous_secret_expires_at,
      }
    : null;

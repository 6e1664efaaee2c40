import type { IssuedSecret } from '../../components/SecretDialog';
import type { AccessKey } from './types';

/** The secret a generate or rotate answer carries, for the "Save your secret" dialog; null when it holds none. */
export const issuedFrom = (key: AccessKey): IssuedSecret | null =>
  key.api_secret
    ? { apiKey: key.api_key, secret: key.api_secret, connection: cloudinaryUrl(key.api_environment_variable), previousSecretExpiresAt: key.previous_secret_expires_at }
    : null;

/** Whether the key's expiry has passed (an expired key stays listed, and is refused). */
export const isExpired = (key: Pick<AccessKey, 'expires_at'>, now = Date.now()) => key.expires_at !== null && new Date(key.expires_at).getTime() <= now;

/** An environment key's paste-ready form: the CLOUDINARY_URL its SDKs read. */
export const cloudinaryUrl = (value: string | undefined): IssuedSecret['connection'] => (value ? { label: 'CLOUDINARY_URL', value } : undefined);

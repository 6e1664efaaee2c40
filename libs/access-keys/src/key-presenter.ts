import { isoSeconds } from '@castellan/core';
import { ANY_IP, NEVER } from '@castellan/core';
import { accountUrl } from '@castellan/accounts';
import { ApiKeyEntity, IssuedKey, KeyPage, KeyPatch } from '@castellan/credentials';
import { environmentVariable } from '@castellan/environments';
import { AccessKeyDto, DEFAULT_PAGE_SIZE, KeySettingsDto, ListKeysDto } from './dto/access-key.dto.js';

export function keyPage(query: ListKeysDto): KeyPage {
  return {
    pageSize: query.page_size ?? DEFAULT_PAGE_SIZE,
    page: query.page ?? 1,
    sortBy: query.sort_by ?? 'created_at',
    sortOrder: query.sort_order ?? 'desc',
  };
}

/** The wire shape of any key; the secret and its paste-ready form are passed only by the call that made it. */
export function presentKey(
  key: ApiKeyEntity,
  revealed?: { secret: string; asUrl: string; urlField: 'api_environment_variable' | 'account_url' },
): AccessKeyDto {
  const lastUse = { last_used_at: key.lastUsedAt ? isoSeconds(key.lastUsedAt) : null, last_used_ip: key.lastUsedIp };
  const grace = key.previousSecretExpiresAt && key.previousSecretExpiresAt > new Date() ? isoSeconds(key.previousSecretExpiresAt) : null;
  return {
    name: key.name,
    api_key: key.apiKey,
    ...(revealed ? { api_secret: revealed.secret } : {}),
    created_at: isoSeconds(key.createdAt),
    updated_at: isoSeconds(key.updatedAt),
    enabled: key.enabled,
    ...(key.dedicatedFor ? { dedicated_for: [key.dedicatedFor] } : {}),
    root: key.root,
    description: key.description,
    ...lastUse,
    expires_at: key.expiresAt ? isoSeconds(key.expiresAt) : null,
    previous_secret_expires_at: grace,
    allowed_ips: key.allowedIps,
    rate_limit_per_minute: key.rateLimitPerMinute,
    ...(revealed ? { [revealed.urlField]: revealed.asUrl } : {}),
  };
}

/**
 * A key with the secret just issued to it (generated or rotated), and the secret's paste-ready form:
 * CLOUDINARY_URL for an environment key, which needs its environment's cloud name; CLOUDINARY_ACCOUNT_URL otherwise.
 */
export function presentIssued({ key, secret }: IssuedKey, cloudName?: string): AccessKeyDto {
  return cloudName === undefined
    ? presentKey(key, { secret, asUrl: accountUrl(key.apiKey, secret, key.accountId), urlField: 'account_url' })
    : presentKey(key, { secret, asUrl: environmentVariable(key.apiKey, secret, cloudName), urlField: 'api_environment_variable' });
}

/** The stored form of a key's settings; fields not given stay undefined, so they keep their value on update. */
export function settingsPatch(input: KeySettingsDto): Pick<KeyPatch, 'expiresAt' | 'allowedIps' | 'rateLimitPerMinute'> {
  return {
    expiresAt: input.expires_at === NEVER ? null : input.expires_at,
    allowedIps: input.allowed_ips === ANY_IP ? null : input.allowed_ips,
    rateLimitPerMinute: input.rate_limit_per_minute === 0 ? null : input.rate_limit_per_minute,
  };
}

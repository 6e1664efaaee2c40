import { isoSeconds } from '@castellan/core';
import { ApiKeyEntity, KeyPage } from '@castellan/credentials';
import { AccessKeyDto, DEFAULT_PAGE_SIZE, ListKeysDto } from './dto/access-key.dto.js';

export function keyPage(query: ListKeysDto): KeyPage {
  return {
    pageSize: query.page_size ?? DEFAULT_PAGE_SIZE,
    page: query.page ?? 1,
    sortBy: query.sort_by ?? 'created_at',
    sortOrder: query.sort_order ?? 'desc',
  };
}

/** The wire shape of any key; the secret and its paste-ready form are passed only by the call that made it. */
export function presentKey(key: ApiKeyEntity, revealed?: { secret: string; asUrl: string; urlField: 'api_environment_variable' | 'account_url' }): AccessKeyDto {
  const lastUse = { last_used_at: key.lastUsedAt ? isoSeconds(key.lastUsedAt) : null, last_used_ip: key.lastUsedIp };
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
    ...(revealed ? { [revealed.urlField]: revealed.asUrl } : {}),
  };
}

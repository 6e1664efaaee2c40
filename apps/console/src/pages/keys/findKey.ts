import type { ApiKey } from '../../keys/keys';
import type { AccessKeyList } from '../environments/types';

export const FIND_PAGE_SIZE = 1000;

/**
 * The API has no single-key GET for environment keys, so a key is found in its environment's list: pages of
 * 1000 in api_key order, until it turns up or the list ends. Null when it is not there.
 */
export async function findKey(
  fetchPage: (page: number, pageSize: number) => Promise<AccessKeyList>,
  apiKey: string,
): Promise<ApiKey | null> {
  for (let page = 1; ; page++) {
    const { access_keys: keys, total } = await fetchPage(page, FIND_PAGE_SIZE);
    const found = keys.find((k) => k.api_key === apiKey);
    if (found) return found;
    if (keys.length < FIND_PAGE_SIZE || page * FIND_PAGE_SIZE >= total) return null;
  }
}

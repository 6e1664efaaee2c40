import { type Api, query, type Schemas } from '../../api';
import type { User } from './people';

/** The API's largest page of users. */
const USER_PAGE = 1000;
/** Enough for any account the console is meant for; the rest would need narrower filters. */
const MAX_USER_PAGES = 10;

export interface UserFilters {
  prefix?: string;
  pending?: boolean;
  sub_account_id?: string;
}

/** Every user matching the API's filters, page after page (the role filter is the console's, applied after). */
export async function loadUsers(api: Api, accountPath: string, filters: UserFilters = {}): Promise<{ users: User[]; total: number }> {
  const users: User[] = [];
  let total = 0;
  for (let page = 1; page <= MAX_USER_PAGES; page++) {
    const res = await api.get<Schemas['UserListDto']>(
      `${accountPath}/users${query({ ...filters, sort_by: 'name', sort_order: 'asc', page_size: USER_PAGE, page })}`,
    );
    users.push(...res.users);
    total = res.total;
    if (users.length >= total || res.users.length === 0) break;
  }
  return { users, total };
}

export const loadRoles = (api: Api, accountPath: string) => api.get<Schemas['RoleListDto']>(`${accountPath}/roles`).then((r) => r.roles);

export const loadEnvironments = (api: Api, accountPath: string) =>
  api.get<Schemas['EnvironmentListDto']>(`${accountPath}/sub_accounts`).then((r) => r.sub_accounts);

export const loadGroups = (api: Api, accountPath: string) =>
  api.get<Schemas['UserGroupListDto']>(`${accountPath}/user_groups?extended_details=true`).then((r) => r.user_groups);

/** Loads what the key may read and gives null for the rest, so optional parts of a page do not fail it. */
export const optional = <T>(allowed: boolean, load: () => Promise<T>): Promise<T | null> =>
  allowed ? load().catch(() => null) : Promise.resolve(null);

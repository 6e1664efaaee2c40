import type { ExecutionContext } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { Reflector } from '@nestjs/core';
import { changePermission, redactSecrets } from '@castellan/core';

/** Path parameters that name a record, and the record type the log calls it. */
const PARAM_TYPES: Record<string, string> = {
  api_key: 'key',
  user_id: 'user',
  group_id: 'user_group',
  role_id: 'role',
  sub_account_id: 'sub_account',
};

/** Collections a POST creates into, and the type of what it creates. */
const COLLECTION_TYPES: Record<string, string> = {
  sub_accounts: 'sub_account',
  account_api_keys: 'key',
  access_keys: 'key',
  api_keys: 'key',
  users: 'user',
  user_groups: 'user_group',
  roles: 'role',
};

const MAX_TARGET_ID = 64;

export interface AuditTarget {
  type: string;
  id: string;
}

export interface RecordedRoute {
  action: string;
  /** The route's path template, split: literal segments and `:param`s. */
  segments: string[];
  params: Record<string, string | undefined>;
  method: string;
}

interface RoutedRequest {
  method: string;
  params?: Record<string, string | undefined>;
}

/** The route as the audit log sees it, when the request is a change to record; null otherwise. */
export function recordedRoute(reflector: Reflector, context: ExecutionContext): RecordedRoute | null {
  const action = changePermission(reflector, context);
  return action ? changedRoute(context, action) : null;
}

/** The route of a request already known to be a change that needs `action`. */
export function changedRoute(context: ExecutionContext, action: string): RecordedRoute {
  const request = context.switchToHttp().getRequest<RoutedRequest>();
  const paths = [Reflect.getMetadata(PATH_METADATA, context.getClass()), Reflect.getMetadata(PATH_METADATA, context.getHandler())];
  const segments = paths.flatMap((p: unknown) => (typeof p === 'string' ? p.split('/') : [])).filter((s) => s !== '');
  return { action, segments, params: request.params ?? {}, method: request.method.toUpperCase() };
}

/** A secret pasted where an id belongs is kept out of the log, which the security team and auditors read. */
const clip = (id: string): string => redactSecrets(id).slice(0, MAX_TARGET_ID);

/**
 * The record a change is about: what a create made (read from the response's `id` or `api_key`, and nothing
 * else of it), or else the most specific path parameter other than the account.
 */
export function targetOf(route: RecordedRoute, response?: unknown): AuditTarget | null {
  const last = route.segments[route.segments.length - 1];
  if (
    route.method === 'POST' &&
    last !== undefined &&
    !last.startsWith(':') &&
    COLLECTION_TYPES[last] &&
    typeof response === 'object' &&
    response !== null
  ) {
    const { id, api_key } = response as { id?: unknown; api_key?: unknown };
    const created = typeof api_key === 'string' ? api_key : typeof id === 'string' ? id : undefined;
    if (created) return { type: COLLECTION_TYPES[last]!, id: clip(created) };
  }
  for (let i = route.segments.length - 1; i >= 0; i--) {
    const name = route.segments[i]!.startsWith(':') ? route.segments[i]!.slice(1) : undefined;
    if (!name || name === 'account_id') continue;
    const value = route.params[name];
    if (value) return { type: PARAM_TYPES[name] ?? name.replace(/_id$/, ''), id: clip(value) };
  }
  return null;
}

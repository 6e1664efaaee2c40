import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ACCESS_METADATA } from './authenticated.decorator.js';
import type { RouteAccess } from './authenticated.decorator.js';

/** Methods that change something; reads never do. */
const CHANGING_METHODS = new Set(['POST', 'PUT', 'DELETE']);

/** Actions behind a changing method that change nothing. */
const NOT_CHANGES = new Set(['provisioning:permissions.simulate']);

/**
 * The permission of a request that may change something (a POST, PUT or DELETE on a route with a permission),
 * or null. One rule for everyone who must see every change: the audit log records them, and the verification
 * cache drops the account's keys after them.
 */
export function changePermission(reflector: Reflector, context: ExecutionContext): string | null {
  if (context.getType() !== 'http') return null;
  const access = reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
  if (!access || access.public || !access.permission || NOT_CHANGES.has(access.permission)) return null;
  const method = context.switchToHttp().getRequest<{ method: string }>().method.toUpperCase();
  return CHANGING_METHODS.has(method) ? access.permission : null;
}

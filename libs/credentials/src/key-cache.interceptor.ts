import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, tap } from 'rxjs';
import { changePermission } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { KeyCacheInvalidator } from './key-cache.invalidator.js';

/**
 * Drops the calling account's cached keys after every change it makes (the changes the audit log records),
 * before the answer is sent, so that the very next request sees it: a key's rules or settings, its roles, its
 * user, its environment, the account's security settings. The whole account is a superset of what a change
 * can affect, and changes are rare next to verifications. Refused changes drop it too: a change that failed
 * half-way may still have written something.
 */
@Injectable()
export class KeyCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly invalidator: KeyCacheInvalidator,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!changePermission(this.reflector, context)) return next.handle();
    const accountId = context.switchToHttp().getRequest<{ user?: Principal }>().user?.accountId;
    if (!accountId) return next.handle();
    // The other instances are told without holding up the answer; invalidate() never rejects.
    const drop = () => void this.invalidator.invalidate(accountId);
    return next.handle().pipe(tap({ next: drop, error: drop }));
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { Change, ChangeObserver, ChangeObservers } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { KeyCacheInvalidator } from './key-cache.invalidator.js';

/**
 * Drops the calling account's cached keys after every change it makes, before the answer is sent, so that the
 * very next request sees it: a key's rules or settings, its roles, its user, its environment, the account's
 * security settings. The whole account is a superset of what a change can affect, and changes are rare next to
 * verifications. Refused changes drop it too: a change that failed half-way may still have written something.
 */
@Injectable()
export class KeyCacheObserver implements ChangeObserver, OnModuleInit {
  constructor(
    private readonly observers: ChangeObservers,
    private readonly invalidator: KeyCacheInvalidator,
  ) {}

  onModuleInit(): void {
    this.observers.add(this);
  }

  changed({ context }: Change): void {
    const accountId = context.switchToHttp().getRequest<{ user?: Principal }>().user?.accountId;
    // The other instances are told without holding up the answer; invalidate() never rejects.
    if (accountId) void this.invalidator.invalidate(accountId);
  }
}

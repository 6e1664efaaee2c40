import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AppError, newRecordId, SecretHasher } from '@castellan/core';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { AuthThrottle, tooManyFailures } from '@castellan/throttling';
import { SignInTokenEntity, TOKEN_PURPOSES, TokenPurpose } from './sign-in-token.entity.js';
import { SignInTokenRepository } from './sign-in-token.repository.js';

/**
 * What a link that cannot be used answers, whatever the reason (used, revoked, replaced, expired, never issued, its
 * user disabled): one message, so that nothing is learned from it.
 */
export const INVALID_LINK: Record<TokenPurpose, string> = {
  invitation: 'This invitation link is not valid (used, revoked or expired)',
  password_reset: 'This password reset link is not valid (used, replaced or expired)',
};

/** 32 random bytes in base64url; anything else names no link, and costs no lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A link just issued: its token goes into one mail, and is never stored or shown again. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** A link that may be used now, and the user it is for. */
export interface Redeemable {
  link: SignInTokenEntity;
  user: UserEntity;
}

/**
 * The single-use links mailed to users (invitations and password resets). The table holds each token's HMAC under
 * the server pepper, so a database dump opens no link; a user has at most one live link of each purpose.
 */
@Injectable()
export class SignInTokens {
  constructor(
    private readonly tokens: SignInTokenRepository,
    private readonly hasher: SecretHasher,
    private readonly users: UserDirectory,
    private readonly throttle: AuthThrottle,
  ) {}

  /** A new link for the user, in place of their earlier one of this purpose. Call it under the account lock. */
  async issue(
    manager: EntityManager,
    user: Pick<UserEntity, 'accountId' | 'id'>,
    purpose: TokenPurpose,
    validMs: number,
  ): Promise<IssuedToken> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + validMs);
    await this.tokens.replace(
      manager,
      Object.assign(new SignInTokenEntity(), {
        id: newRecordId(),
        tokenHash: this.hash(token),
        accountId: user.accountId,
        userId: user.id,
        purpose,
        createdAt: now,
        expiresAt,
      } satisfies SignInTokenEntity),
    );
    return { token, expiresAt };
  }

  /**
   * The live link a token names, with its user, who must be enabled (and, for an invitation, still pending: an
   * invitation is no way back in for a user who set a password since). Anything else is a 400 that says nothing
   * of why, counted against the client's address like a wrong key: 429 while the address is blocked.
   */
  async redeemable(token: string, purpose: TokenPurpose, ip: string): Promise<Redeemable> {
    const wait = await this.throttle.ipBlockedFor(ip);
    if (wait > 0) throw tooManyFailures(wait);
    const link = TOKEN_SHAPE.test(token) ? await this.tokens.findByHash(this.hash(token), purpose) : null;
    const user = link && link.expiresAt.getTime() > Date.now() ? await this.users.findById(link.accountId, link.userId) : null;
    if (link && user?.enabled && (purpose !== 'invitation' || user.pending)) return { link, user };
    const { retryAfterSeconds } = await this.throttle.recordFailure(ip, null);
    throw retryAfterSeconds > 0 ? tooManyFailures(retryAfterSeconds) : AppError.invalid(INVALID_LINK[purpose], 'token');
  }

  /** Uses the link up; false when another request used it first (the caller then refuses, and its transaction undoes the rest). */
  take(manager: EntityManager, link: SignInTokenEntity): Promise<boolean> {
    return this.tokens.take(manager, link.accountId, link.id);
  }

  /** Ends the user's links of these purposes (all of them by default): a new password makes every outstanding link moot. */
  revoke(manager: EntityManager, accountId: string, userId: string, purposes: readonly TokenPurpose[] = TOKEN_PURPOSES): Promise<void> {
    return this.tokens.delete(manager, accountId, userId, purposes);
  }

  private hash(token: string): string {
    return this.hasher.hash(`sign-in-token:${token}`);
  }
}

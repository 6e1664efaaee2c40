import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SignInMethod } from '@castellan/core';

/**
 * How far a session got: `full` acts as its user; `second_factor` waits for a TOTP or recovery code; `enrollment`
 * waits for the user to enroll the second factor the account requires. Only `full` sessions pass the global guard.
 */
export const SESSION_STAGES = ['full', 'second_factor', 'enrollment'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/** A person's console session. The cookie carries a random token; the table holds only its hash. */
@Entity('user_sessions')
export class UserSessionEntity {
  /** The session's public id, which lists show and DELETE takes; not the token. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  method!: SignInMethod;

  @Column({ type: 'varchar', length: 16 })
  stage!: SessionStage;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 255 })
  userAgent!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt!: Date;

  /**
   * When this session proved a second factor (a code at sign-in, or enrolling one in it); null when it never did.
   * Where the account requires two-factor authentication, a password session without it does nothing else.
   */
  @Column({ name: 'second_factor_at', type: 'datetime', precision: 3, nullable: true })
  secondFactorAt!: Date | null;

  /** The absolute end: createdAt + SESSION_MAX_HOURS. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}

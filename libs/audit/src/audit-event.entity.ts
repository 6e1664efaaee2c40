import { Column, Entity, PrimaryColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The action recorded for a refused authentication. */
export const AUTHENTICATION_ACTION = 'authentication';

/**
 * One change, refused change or failed authentication. Holds who, from where, what and on which record, and
 * never a request or response body: those carry secrets. No foreign keys: events outlive what they describe.
 */
@Entity('audit_events')
export class AuditEventEntity {
  /** Time-sortable: 12 hex digits of the millisecond timestamp, then 20 random ones. Also the page cursor. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  /** Null when the account is unknown (a failed authentication with an unknown api_key). */
  @Column({ name: 'account_id', type: 'varchar', length: 36, nullable: true })
  accountId!: string | null;

  @Column({ name: 'actor_api_key', type: 'varchar', length: 32, nullable: true })
  actorApiKey!: string | null;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16, nullable: true })
  actorKind!: string | null;

  @Column({ name: 'actor_user_id', type: 'varchar', length: 32, nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  /** The route's permission, or `authentication`. */
  @Column({ type: 'varchar', length: 128 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32, nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  /** Why a failure failed, where the status alone does not say (an expired key, an address not allowed). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  /** The HTTP status the request was answered with. */
  @Column({ type: 'int' })
  status!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

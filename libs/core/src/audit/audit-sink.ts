import type { ExecutionContext } from '@nestjs/common';
import type { AuthFailureReason } from '../auth/auth-failure.js';

/** A refused authentication: what the caller claimed to be (never its secret) and where it came from. */
export interface FailedAuthentication {
  /** The api_key the caller presented, only when it has the shape of one; null otherwise. */
  apiKey: string | null;
  /** The presented key when authentication found it; null to let the audit log look the api_key up. */
  key: { accountId: string; kind: string; userId: string | null } | null;
  ip: string;
  reason: AuthFailureReason;
  /** The status answered: 401 unless given (429 when throttled). */
  status?: number;
}

/**
 * What authentication tells the audit log. Implemented by libs/audit; defined here so that libs/credentials
 * can report to it without depending on it. Every method returns at once: the writes happen off the request path.
 */
export interface AuditSink {
  recordFailedAuthentication(event: FailedAuthentication): void;
  /** An authenticated request the guard refused (403); recorded when the route is a change. */
  recordRefusal(context: ExecutionContext, error: unknown): void;
}

/** Injection token for the AuditSink, provided by the audit module (absent in the CLI). */
export const AUDIT_SINK = Symbol('AUDIT_SINK');

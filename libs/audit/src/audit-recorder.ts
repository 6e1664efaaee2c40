import { BeforeApplicationShutdown, ExecutionContext, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AuditSink,
  AuthFailureReason,
  BackgroundWork,
  Change,
  ChangeObserver,
  ChangeObservers,
  FailedAuthentication,
  Principal,
  toErrorResponse,
  TransactionRunner,
} from '@castellan/core';
import { KeyStore } from '@castellan/credentials';
import { AuditEventEntity, AuditOutcome, AUTHENTICATION_ACTION } from './audit-event.entity.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditIdGenerator } from './audit-id.js';
import { AuditTarget, changedRoute, recordedRoute, targetOf } from './audit-route.js';

export interface RecordedChange {
  principal: Principal | undefined;
  /** The account, for a change no principal made (a leak report comes without credentials). */
  accountId?: string;
  /** The person, for what someone did before they held a session (signing in, accepting an invitation). */
  actorUserId?: string;
  ip: string;
  action: string;
  target: AuditTarget | null;
  outcome: AuditOutcome;
  status: number;
  reason?: string | null;
}

interface AuditedRequest {
  user?: Principal;
  ip: string;
}

/** toErrorResponse logs what it cannot map; the exception filter logs that once already. */
const SILENT = { error: () => undefined } as unknown as Logger;

/** The HTTP status an error will be answered with. */
export const statusOf = (error: unknown): number => toErrorResponse(error, SILENT).status;

/**
 * Writes audit events. Changes (a POST, PUT or DELETE on a route with a permission) are written once their
 * handler has answered, before their response (the request writes anyway): who, with which key, from where,
 * what, on which record and how it ended; the response is read only for the id of what a create made, and
 * bodies are never stored. Failed authentications and refusals are written in the background, so a 401 or 403
 * never waits for the log. A failure to write is logged, with no request data, and never fails the request.
 */
@Injectable()
export class AuditRecorder implements AuditSink, ChangeObserver, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditLog');
  private readonly ids = new AuditIdGenerator();
  private readonly work = new BackgroundWork();

  constructor(
    private readonly events: AuditEventRepository,
    private readonly transactions: TransactionRunner,
    private readonly keys: KeyStore,
    private readonly reflector: Reflector,
    private readonly observers: ChangeObservers,
  ) {}

  onModuleInit(): void {
    this.observers.add(this);
  }

  /** Never rejects. */
  async changed(change: Change): Promise<void> {
    const route = changedRoute(change.context, change.permission);
    const request = change.context.switchToHttp().getRequest<AuditedRequest>();
    const base = { principal: request.user, ip: request.ip, action: change.permission };
    await this.recordChange(
      'error' in change
        ? { ...base, target: targetOf(route), outcome: 'failure', status: statusOf(change.error) }
        : { ...base, target: targetOf(route, change.response), outcome: 'success', status: 200 },
    );
  }

  /** Never rejects. */
  async recordChange(change: RecordedChange): Promise<void> {
    const { principal } = change;
    await this.write({
      accountId: principal?.accountId ?? change.accountId ?? null,
      // A person's session has no key: the actor is their user.
      actorApiKey: principal?.session ? null : (principal?.apiKey ?? null),
      actorKind: principal?.session || (!principal && change.actorUserId) ? 'session' : (principal?.kind ?? null),
      actorUserId: principal?.userId ?? change.actorUserId ?? null,
      ip: change.ip,
      action: change.action,
      targetType: change.target?.type ?? null,
      targetId: change.target?.id ?? null,
      outcome: change.outcome,
      status: change.status,
      reason: change.reason ?? null,
    });
  }

  recordFailedAuthentication(event: FailedAuthentication): void {
    this.background(async () => {
      // The one unscoped lookup, as in authentication: the event belongs to the presented key's account. Not for
      // an api_key authentication already found no key for: a flood of made-up keys must not reach the database.
      const lookUp = event.apiKey && event.reason !== AuthFailureReason.UnknownKey;
      const key = event.key ?? (lookUp ? await this.keys.findForAuthentication(event.apiKey!) : null);
      await this.write({
        accountId: key?.accountId ?? null,
        actorApiKey: event.apiKey,
        actorKind: key?.kind ?? null,
        actorUserId: key?.userId ?? null,
        ip: event.ip,
        action: AUTHENTICATION_ACTION,
        targetType: null,
        targetId: null,
        outcome: 'failure',
        status: event.status ?? 401,
        reason: event.reason,
      });
    });
  }

  recordRefusal(context: ExecutionContext, error: unknown): void {
    const route = recordedRoute(this.reflector, context);
    if (!route) return;
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const change: RecordedChange = {
      principal: request.user,
      ip: request.ip,
      action: route.action,
      target: targetOf(route),
      outcome: 'failure',
      status: statusOf(error),
    };
    this.background(() => this.recordChange(change));
  }

  /** Resolves when every background write has ended; for shutdown and tests. */
  settled(): Promise<void> {
    return this.work.settled();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  private background(work: () => Promise<void>): void {
    this.work.run(work, (error) => this.logFailure(error));
  }

  private async write(fields: Omit<AuditEventEntity, 'id' | 'createdAt'>): Promise<void> {
    try {
      const now = new Date();
      const event = Object.assign(new AuditEventEntity(), {
        id: this.ids.next(now),
        createdAt: now,
        ...fields,
        ip: fields.ip.slice(0, 64),
      });
      await this.transactions.run((manager) => this.events.insert(manager, event));
    } catch (error) {
      this.logFailure(error, fields.action);
    }
  }

  /** The error's message and the action only: never the request, whose body may hold a secret. */
  private logFailure(error: unknown, action?: string): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error(`Could not record an audit event${action ? ` for ${action}` : ''}: ${reason}`);
  }
}

import { CallHandler, ExecutionContext, Global, Injectable, Module, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { routeAccess } from './route-access.js';

/** Methods that change something; reads never do. */
const CHANGING_METHODS = new Set(['POST', 'PUT', 'DELETE']);

/** Actions behind a changing method that change nothing. */
const NOT_CHANGES = new Set(['provisioning:permissions.simulate']);

/** Whether a route that needs `permission` can change something (with a changing method). */
export const mayChange = (permission: string | null): permission is string => permission !== null && !NOT_CHANGES.has(permission);

/**
 * The permission of a request that may change something (a POST, PUT or DELETE on a route with a permission),
 * or null. One rule for everyone who must see every change: the audit log records them, and the verification
 * cache drops the account's keys after them.
 */
export function changePermission(reflector: Reflector, context: ExecutionContext): string | null {
  if (context.getType() !== 'http') return null;
  const access = routeAccess(reflector, context);
  if (!access || access.public || !mayChange(access.permission)) return null;
  const method = context.switchToHttp().getRequest<{ method: string }>().method.toUpperCase();
  return CHANGING_METHODS.has(method) ? access.permission : null;
}

/** A change a request made, or tried to make and failed: the handler answered `response`, or threw `error`. */
export type Change = { context: ExecutionContext; permission: string } & ({ response: unknown } | { error: unknown });

/** Told of every change before its answer is sent. Must not reject: observing a change never fails it. */
export interface ChangeObserver {
  changed(change: Change): Promise<void> | void;
}

/** Who must see every change; modules add themselves when they start, and are told in that order. */
@Injectable()
export class ChangeObservers {
  private readonly observers: ChangeObserver[] = [];

  add(observer: ChangeObserver): void {
    this.observers.push(observer);
  }

  async notify(change: Change): Promise<void> {
    for (const observer of this.observers) await observer.changed(change);
  }
}

/**
 * Tells the observers of each change once its handler has answered or failed, before the answer goes out, so
 * that the very next request sees its effects (the key cache) and the log holds it (the audit). Applied by
 * @Authenticated to the routes that can change something only, so that reads and decisions pay nothing for it.
 */
@Injectable()
export class ChangeInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly observers: ChangeObservers,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const permission = changePermission(this.reflector, context);
    if (!permission) return next.handle();
    return next.handle().pipe(
      concatMap(async (response: unknown) => {
        await this.observers.notify({ context, permission, response });
        return response;
      }),
      catchError((error: unknown) =>
        from(this.observers.notify({ context, permission, error })).pipe(concatMap(() => throwError(() => error))),
      ),
    );
  }
}

/** Provides ChangeObservers to every module; the apps import it once. */
@Global()
@Module({ providers: [ChangeObservers], exports: [ChangeObservers] })
export class ChangesModule {}

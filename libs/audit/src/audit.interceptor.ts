import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import type { Principal } from '@castellan/core';
import { AuditRecorder, statusOf } from './audit-recorder.js';
import { recordedRoute, targetOf } from './audit-route.js';

interface AuditedRequest {
  user?: Principal;
  ip: string;
}

/**
 * Records every change (a POST, PUT or DELETE on a route with a permission) once its handler has answered:
 * who, with which key, from where, what, on which record and how it ended. Reads the response only for the
 * id of what a create made; bodies are never stored. Errors pass through unchanged.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: AuditRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = recordedRoute(this.reflector, context);
    if (!route) return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const base = { principal: request.user, ip: request.ip, action: route.action };
    return next.handle().pipe(
      concatMap(async (response: unknown) => {
        await this.recorder.recordChange({ ...base, target: targetOf(route, response), outcome: 'success', status: 200 });
        return response;
      }),
      catchError((error: unknown) =>
        from(this.recorder.recordChange({ ...base, target: targetOf(route), outcome: 'failure', status: statusOf(error) })).pipe(
          concatMap(() => throwError(() => error)),
        ),
      ),
    );
  }
}

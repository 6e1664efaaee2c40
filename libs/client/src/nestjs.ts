import {
  type CanActivate,
  type CustomDecorator,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CastellanClient } from './client.js';
import { decide, type RequestDecision, type RequestParts, type RouteCheck } from './route-check.js';

// The type of `@CastellanDecision()`'s parameter, from the entry point that gives the decorator.
export type { RequestDecision } from './route-check.js';

/** The injection token for the client the guard asks. */
export const CASTELLAN_CLIENT = Symbol('CASTELLAN_CLIENT');
export const CASTELLAN_GUARD_OPTIONS = Symbol('CASTELLAN_GUARD_OPTIONS');
const REQUIRED_ACTION = 'castellan:required-action';

/** Express's and Fastify's requests both carry these under Nest. */
export type NestRequest = RequestParts & { ip?: string; castellan?: RequestDecision } & Record<string, unknown>;

export interface CastellanGuardOptions {
  /**
   * What the guard does on a route without `@RequireAction`: 'deny' (the default) answers 403, so that a route
   * someone forgot to declare is closed rather than open; 'allow' lets it through untouched.
   */
  undeclared?: 'deny' | 'allow';
}

/** The action a handler (or every handler of a controller) performs; the guard asks Castellan for it. */
export function RequireAction(action: string, options: Omit<RouteCheck<NestRequest>, 'action'> = {}): CustomDecorator<string> {
  return SetMetadata(REQUIRED_ACTION, { ...options, action } satisfies RouteCheck<NestRequest>);
}

/** The handler's parameter for the decision the guard got: `@CastellanDecision() decision: RequestDecision`. */
export const CastellanDecision = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestDecision | undefined => context.switchToHttp().getRequest<NestRequest>().castellan,
);

@Injectable()
export class CastellanGuard implements CanActivate {
  private readonly reflector = new Reflector();

  constructor(
    @Inject(CASTELLAN_CLIENT) private readonly client: CastellanClient,
    @Optional() @Inject(CASTELLAN_GUARD_OPTIONS) private readonly options: CastellanGuardOptions = {},
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const check = this.reflector.getAllAndOverride<RouteCheck<NestRequest> | undefined>(REQUIRED_ACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!check) {
      if (this.options.undeclared === 'allow') return true;
      throw new HttpException({ error: { message: 'No Castellan action is declared for this route' } }, 403);
    }
    const http = context.switchToHttp();
    const request = http.getRequest<NestRequest>();
    const outcome = await decide(this.client, check, request, request.ip);
    if ('decision' in outcome) {
      request.castellan = outcome.decision;
      return true;
    }
    const { status, headers, body } = outcome.refusal;
    const response = http.getResponse<{
      header?: (name: string, value: string) => unknown;
      setHeader?: (name: string, value: string) => unknown;
    }>();
    // Fastify's reply and Express's response both have header(); a bare Node response only setHeader().
    for (const [name, value] of Object.entries(headers)) {
      if (response.header) response.header(name, value);
      else response.setHeader?.(name, value);
    }
    throw new HttpException(body, status);
  }
}

import type { CastellanClient } from './client.js';
import { decide, type RequestParts, type RouteCheck, type WithDecision } from './route-check.js';

/** The parts of Fastify's request and reply the pre-handler uses; Fastify's own types fit them. */
export interface FastifyRequestBase extends RequestParts {
  ip: string;
}

interface FastifyReplyBase {
  code(status: number): FastifyReplyBase;
  headers(values: Record<string, string>): FastifyReplyBase;
  send(payload: unknown): FastifyReplyBase;
}

type PreHandler = (request: FastifyRequestBase, reply: FastifyReplyBase) => Promise<unknown>;

interface RouteOptionsBase {
  config?: unknown;
  preHandler?: unknown;
}

interface FastifyInstanceBase {
  hasRequestDecorator(name: string): boolean;
  decorateRequest(name: string, value: null): unknown;
  addHook(name: 'onRoute', hook: (route: RouteOptionsBase) => void): unknown;
}

export type FastifyPlugin = (instance: FastifyInstanceBase, options: unknown, done: (error?: Error) => void) => void;

/** A route's `config.castellan`; `Req` is the route's own request type, e.g. `FastifyRequest<{ Body: … }>`. */
export type FastifyRouteCheck<Req extends FastifyRequestBase = FastifyRequestBase & Record<string, unknown>> = RouteCheck<Req>;

export function fastifyPlugin(client: CastellanClient): FastifyPlugin {
  const plugin: FastifyPlugin = (instance, _options, done) => {
    if (!instance.hasRequestDecorator('castellan')) instance.decorateRequest('castellan', null);
    instance.addHook('onRoute', (route) => {
      const check = castellanConfig(route.config);
      if (!check) return;
      const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      // First, so that nothing else a route does runs for a caller Castellan refuses.
      route.preHandler = [preHandlerFor(client, check), ...existing];
    });
    done();
  };
  // What fastify-plugin sets: the hook then sees routes of the scope that registered it, not only of the plugin's own.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@castellan/client' });
  return plugin;
}

function preHandlerFor(client: CastellanClient, check: FastifyRouteCheck): PreHandler {
  return async (request, reply) => {
    const outcome = await decide(client, check, request as FastifyRequestBase & Record<string, unknown>, request.ip);
    if ('decision' in outcome) {
      (request as WithDecision<FastifyRequestBase>).castellan = outcome.decision;
      return undefined;
    }
    const { status, headers, body } = outcome.refusal;
    // An async hook that answered returns the reply, so that Fastify stops there.
    return reply.code(status).headers(headers).send(body);
  };
}

function castellanConfig(config: unknown): FastifyRouteCheck | null {
  const check = config !== null && typeof config === 'object' ? (config as { castellan?: unknown }).castellan : undefined;
  if (check === undefined) return null;
  if (check === null || typeof check !== 'object' || typeof (check as { action?: unknown }).action !== 'string') {
    throw new TypeError('config.castellan must be { action: string, resource?, cloudName?, failClosed? }');
  }
  return check as FastifyRouteCheck;
}

export * from './client.js';
export { DEFAULT_CACHE_ENTRIES, MAX_CACHE_TTL_MS, type DecisionCacheOptions } from './decision-cache.js';
export * from './errors.js';
export type { ExpressMiddleware, ExpressRequestBase, NodeResponse } from './express.js';
export type { FastifyPlugin, FastifyRequestBase, FastifyRouteCheck } from './fastify.js';
export type { FailedOpenDecision, Refusal, RequestDecision, RouteCheck, WithDecision } from './route-check.js';
export * from './types.js';

import { DecisionCache, type DecisionCacheOptions, wholeNumberIn } from './decision-cache.js';
import {
  BadRequestError,
  CastellanTimeoutError,
  CastellanUnreachableError,
  InvalidCredentialsError,
  RateLimitedError,
  type CastellanError,
} from './errors.js';
import { type ExpressMiddleware, expressMiddleware, type ExpressRequestBase } from './express.js';
import { fastifyPlugin, type FastifyPlugin } from './fastify.js';
import type { RouteCheck } from './route-check.js';
import type { AuthorizeRequest, Decision, KeySelf } from './types.js';

/** Castellan's own limit on one `/v1_1/authorize/batch` call. */
const MAX_BATCH = 100;
const DEFAULT_TIMEOUT_MS = 2_000;

export interface CastellanClientOptions {
  /** Where Castellan answers, such as `http://castellan.internal:3000`. */
  baseUrl: string;
  /** How long one call may take, body included, before it fails with `CastellanTimeoutError`; 2,000 ms by default. */
  timeoutMs?: number;
  /** Reuse decisions for a few seconds; off by default. */
  cache?: DecisionCacheOptions;
  /**
   * What the middleware does when Castellan gives no answer (unreachable, 5xx, timeout): true (the default)
   * refuses the request with 503; false lets it through with a `FAILED_OPEN` decision. Each middleware may
   * override it. `authorize()` itself always throws.
   */
  failClosed?: boolean;
}

export class CastellanClient {
  readonly failClosed: boolean;
  /**
   * A Fastify plugin: register it once, then give a route `config: { castellan: { action, resource? } }`
   * and a `preHandler` checks every request of that route.
   */
  readonly fastify: FastifyPlugin = fastifyPlugin(this);
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly cache: DecisionCache | null;

  constructor(options: CastellanClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl must be an absolute http(s) URL, not ${JSON.stringify(options.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl must be http or https, not ${url.protocol}`);
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = wholeNumberIn('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1, 600_000);
    this.cache = options.cache ? new DecisionCache(options.cache) : null;
    this.failClosed = options.failClosed ?? true;
  }

  /** Whether the caller whose credentials these are may perform the action. */
  async authorize(request: AuthorizeRequest): Promise<Decision> {
    const cacheKey = this.cache && DecisionCache.keyOf(request);
    const cached = cacheKey && this.cache!.get(cacheKey);
    if (cached) return cached;
    const decision = await this.call<Decision>('POST', '/v1_1/authorize', request, checkBody(request));
    if (cacheKey) this.cache!.set(cacheKey, decision);
    return decision;
  }

  /**
   * One decision per request, in order. Requests may carry different credentials: those of one caller go
   * together, 100 to a call, and cached decisions are not asked again. Any refusal of credentials rejects the lot.
   */
  async authorizeBatch(requests: readonly AuthorizeRequest[]): Promise<Decision[]> {
    const decisions: Decision[] = new Array(requests.length);
    const pending = new Map<string, { index: number; request: AuthorizeRequest; cacheKey: string | null }[]>();
    requests.forEach((request, index) => {
      const cacheKey = this.cache && DecisionCache.keyOf(request);
      const cached = cacheKey && this.cache!.get(cacheKey);
      if (cached) {
        decisions[index] = cached;
        return;
      }
      // Both travel as headers of one call, so both must agree across a group.
      const group = `${request.authorization}\n${request.clientIp ?? ''}`;
      const items = pending.get(group);
      if (items) items.push({ index, request, cacheKey });
      else pending.set(group, [{ index, request, cacheKey }]);
    });
    const calls = [...pending.values()].flatMap((items) => chunks(items, MAX_BATCH));
    await Promise.all(
      calls.map(async (items) => {
        const { results } = await this.call<{ results: Decision[] }>('POST', '/v1_1/authorize/batch', items[0].request, {
          checks: items.map(({ request }) => checkBody(request)),
        });
        items.forEach(({ index, cacheKey }, i) => {
          decisions[index] = results[i];
          if (cacheKey) this.cache!.set(cacheKey, results[i]);
        });
      }),
    );
    return decisions;
  }

  /** The key these credentials belong to, with the policy it acts with. Never cached. */
  self(authorization: string, clientIp?: string): Promise<KeySelf> {
    return this.call<KeySelf>('GET', '/v1_1/keys/self', { authorization, clientIp });
  }

  /** Forgets every cached decision, e.g. right after this service changed a key's rules. */
  clearCache(): void {
    this.cache?.clear();
  }

  /** Express (or plain Node `http`) middleware that lets a request through only when Castellan allows the action. */
  express<Req extends ExpressRequestBase>(check: RouteCheck<Req>): ExpressMiddleware<Req> {
    return expressMiddleware(this, check);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    caller: Pick<AuthorizeRequest, 'authorization' | 'clientIp'>,
    body?: object,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (caller.authorization) headers.authorization = caller.authorization;
    if (caller.clientIp) headers['x-forwarded-for'] = caller.clientIp;
    if (body) headers['content-type'] = 'application/json';
    const url = this.baseUrl + path;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      // The signal covers the body too: a server that sends headers and then stalls still times out.
      const res = await fetch(url, { method, headers, body: body && JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new CastellanTimeoutError(`Castellan did not answer ${method} ${url} within ${this.timeoutMs} ms`);
      }
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CastellanUnreachableError(`Castellan is unreachable at ${url}: ${cause}`, null, { cause: error });
    }
    if (status >= 200 && status < 300) return JSON.parse(text) as T;
    throw errorFor(status, messageOf(text) ?? `Castellan answered ${status}`, retryAfter);
  }
}

export function createCastellanClient(options: CastellanClientOptions): CastellanClient {
  return new CastellanClient(options);
}

function checkBody(request: AuthorizeRequest): object {
  return { action: request.action, cloud_name: request.cloudName, resource: request.resource };
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Castellan's errors are Cloudinary's `{"error":{"message":"…"}}`. */
function messageOf(text: string): string | null {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } })?.error?.message;
    return typeof message === 'string' ? message : null;
  } catch {
    return null;
  }
}

function errorFor(status: number, message: string, retryAfter: string | null): CastellanError {
  if (status === 401) return new InvalidCredentialsError(message);
  if (status === 429) return new RateLimitedError(message, retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null);
  if (status >= 500) return new CastellanUnreachableError(`Castellan answered ${status}: ${message}`, status);
  return new BadRequestError(message, status);
}

/** The console's only way to Castellan: the same REST API integrators use, with the signed-in key as HTTP Basic. */

export interface Credentials {
  apiKey: string;
  secret: string;
}

export interface PolicyRule {
  effect: 'allow' | 'deny';
  actions: string[];
  conditions?: Record<string, unknown>;
}

/** `GET /v1_1/keys/self`. */
export interface KeySelf {
  api_key: string;
  name: string;
  kind: 'account' | 'environment' | 'user';
  account_id: string;
  environment: { id: string; cloud_name: string } | null;
  rules: PolicyRule[];
  default: boolean;
}

/** An answer other than 2xx, with the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string, body?: unknown): Promise<T>;
}

/**
 * Castellan answers this script's calls without the Basic challenge on a 401 (libs/core http-exception.filter.ts), so
 * that the browser leaves a refused secret to the console: with the challenge it takes the request over, with a
 * sign-in pop-up of its own or, headless, a request that never ends.
 */
const MARKER = { 'x-requested-with': 'XMLHttpRequest' };

export function createApi({ apiKey, secret }: Credentials): Api {
  const authorization = `Basic ${btoa(unescape(encodeURIComponent(`${apiKey}:${secret}`)))}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: { authorization, accept: 'application/json', ...MARKER, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'Castellan cannot be reached. Check your connection and try again.');
    }
    const text = await res.text();
    const json: unknown = text ? safeJson(text) : null;
    if (!res.ok) throw new ApiError(res.status, messageOf(json) ?? `The request failed (${res.status})`);
    return json as T;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function messageOf(json: unknown): string | null {
  const message = (json as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : null;
}

/** The message to show for anything a call threw. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Query strings without undefined or empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

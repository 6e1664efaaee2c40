/**
 * The console's only way to Castellan: the same REST API integrators use, with the signed-in key as HTTP Basic, or,
 * for a person, the session cookie the browser holds (HttpOnly: the console never sees it).
 */
import type { components, operations } from './api-types.generated';

export interface Credentials {
  apiKey: string;
  secret: string;
}

/**
 * The API's wire types, by the names of its DTOs, as its OpenAPI document describes them: api-types.generated.ts is
 * generated from /docs-json (`npm run console:types`), so the console's types cannot drift from the API's.
 */
export type Schemas = components['schemas'];

/** The JSON body an operation reads, by its operation id (`<Controller>_<method>`, as /docs names it). */
export type BodyOf<Id extends keyof operations> = operations[Id] extends { requestBody?: { content: { 'application/json': infer Body } } }
  ? Body
  : never;

/**
 * The members of one of the wire format's unions, listed for run time (a select's options, in the order it shows
 * them): the compiler refuses a list that names a member the API lacks, or leaves out one it has.
 */
export const unionMembers =
  <Union extends string>() =>
  <const List extends readonly Union[]>(
    list: List,
    ..._complete: [Exclude<Union, List[number]>] extends [never] ? [] : [missing: Exclude<Union, List[number]>]
  ): List =>
    list;

export type PolicyRule = Schemas['RuleDto'];
/** `GET /v1_1/keys/self`. */
export type KeySelf = Schemas['KeySelfDto'];
export type KeyKind = KeySelf['kind'];
/** `GET …/permissions` of a key, and what a `PUT` answers. */
export type Policy = Schemas['PolicyDto'];

/** An answer other than 2xx, with the API's own message and, for a refused body, the place in it that was refused. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's `error.path`: where in the request body the problem is, e.g. `rules[0].actions[1]`. */
    readonly path?: string,
    /** The answer's `error.action`: the action a refused grant is about, e.g. `admin:resources.delete`. */
    readonly action?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A `path` of the API's error answers as its keys and indices: `rules[0].actions[1]` → `['rules', 0, 'actions', 1]`. */
export const pathSegments = (path: string): (string | number)[] =>
  [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map(([, index, key]) => (index !== undefined ? Number(index) : key!));

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

/**
 * Calls with the key's credentials, or with none but the browser's session cookie (`credentials: null`: a person, or
 * the public routes of signing in). `onUnauthorized` hears every 401, for a session that may have ended meanwhile.
 */
export function createApi(credentials: Credentials | null, onUnauthorized?: () => void): Api {
  const authorization: Record<string, string> = credentials
    ? { authorization: `Basic ${btoa(unescape(encodeURIComponent(`${credentials.apiKey}:${credentials.secret}`)))}` }
    : {};
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        // The cookie is scoped to /v1_1 and SameSite=Strict; the CSRF marker below is what the API requires with it.
        credentials: 'same-origin',
        headers: {
          ...authorization,
          accept: 'application/json',
          ...MARKER,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'Castellan cannot be reached. Check your connection and try again.');
    }
    const text = await res.text();
    const json: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const error = errorOf(json);
      const refusal = new ApiError(res.status, error?.message ?? `The request failed (${res.status})`, error?.path, error?.action);
      if (res.status === 401) onUnauthorized?.();
      throw refusal;
    }
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

/** The error body's message, path and action, where the answer is one (a proxy in front of Castellan may answer otherwise). */
function errorOf(json: unknown): { message: string; path?: string; action?: string } | null {
  const error = (json as Partial<Schemas['ErrorBodyDto']> | null)?.error;
  if (typeof error?.message !== 'string') return null;
  return {
    message: error.message,
    ...(typeof error.path === 'string' ? { path: error.path } : {}),
    ...(typeof error.action === 'string' ? { action: error.action } : {}),
  };
}

/** The message to show for anything a call threw. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Query strings without undefined or empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

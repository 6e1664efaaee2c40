import type { Response, Test } from 'supertest';
import { expectError, INVALID_CREDENTIALS, OPTIONAL_ACTION, OPTIONAL_PATH, TestAccount, TestServer, uniqueCloudName } from './harness.js';

// Requests to a TestServer as the e2e suites send them, and the checks they make of the answers.

/** Response bodies are untyped JSON: assertions index into them freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever the API answered
export type Json = any;
/** An API key and its secret, sent with HTTP Basic auth. */
export type Credentials = readonly [string, string];
export type Method = 'get' | 'post' | 'put' | 'delete';

/** Shaped like a real record id (an environment, a user, a role, a group), but no record has it. */
export const UNKNOWN_ID = '0123456789abcdef0123456789abcdef';

/** A form-urlencoded body, as the Cloudinary SDKs send it. */
export class Form {
  constructor(readonly text: string) {}
}
/** A body sent byte for byte with a JSON content type (for malformed JSON). */
export class RawJson {
  constructor(readonly text: string) {}
}
/** A JSON body (an object), a form body, or raw JSON text. */
export type Payload = Record<string, unknown> | Form | RawJson;

/** A request with Basic auth when credentials are given, and the payload (if any) as its body. */
export type Call = (method: Method, path: string, credentials?: Credentials | null, payload?: Payload) => Test;

/**
 * `call` for a server that suites start in `beforeAll`, hence a getter:
 * `let server: TestServer; const { call } = bind(() => server);`. `headers` go with every request.
 */
export function bind(server: () => Pick<TestServer, 'http'>, headers: Record<string, string> = {}): { call: Call } {
  return {
    call(method, path, credentials, payload) {
      const req = server().http()[method](path).set(headers);
      if (credentials) req.auth(credentials[0], credentials[1]);
      return withBody(req, payload);
    },
  };
}

/** The request with the payload as its body: a form, JSON text as it is, or an object as JSON; none when undefined. */
export function withBody(req: Test, payload: Payload | undefined): Test {
  if (payload instanceof Form) return req.type('form').send(payload.text);
  if (payload instanceof RawJson) return req.type('json').send(payload.text);
  return payload === undefined ? req : req.send(payload);
}

/** A 200 with a JSON body; a failure shows the error the server gave. */
export function ok(res: Response): Json {
  expect({ status: res.status, type: res.type, error: res.body?.error }).toEqual({
    status: 200,
    type: 'application/json',
    error: undefined,
  });
  return res.body;
}

/** `ok` for a request not yet awaited. */
export const okBody = async (req: PromiseLike<Response>): Promise<Json> => ok(await req);

/** An error answer: `{"error": {"message": ...}}` (and its `path`, if any) with that status; any message unless one is given. */
export function expectErrorMessage(res: Response, status: number, message: unknown = expect.any(String)): void {
  expectError(res, status, { error: { message, path: OPTIONAL_PATH, action: OPTIONAL_ACTION } });
}

/** A 401 with the Basic challenge and Cloudinary's "Invalid credentials". */
export function expectUnauthorized(res: Response): void {
  expect({ status: res.status, challenge: res.headers['www-authenticate'], body: res.body }).toEqual({
    status: 401,
    challenge: 'Basic realm="castellan"',
    body: INVALID_CREDENTIALS,
  });
}

/** A permission rule, as role, group and key permission bodies carry it. */
export interface Rule {
  effect: 'allow' | 'deny';
  actions: string[];
  conditions?: Record<string, unknown>;
}
export const allow = (...actions: string[]): Rule => ({ effect: 'allow', actions });
export const deny = (...actions: string[]): Rule => ({ effect: 'deny', actions });

/**
 * Two new accounts, and a product environment of the first (named "Env") with its first key: valid credentials
 * for the first account's paths that hold no provisioning action. The accounts are made one after the other.
 */
export async function twoAccounts(
  server: TestServer,
  [ownerName, otherName]: [string, string],
  cloudNamePrefix?: string,
): Promise<{ owner: TestAccount; other: TestAccount; env: Json; envKey: Credentials }> {
  const [owner, other] = [await server.newAccount(ownerName), await server.newAccount(otherName)];
  const { call } = bind(() => server);
  const env = ok(
    await call('post', `${owner.base}/sub_accounts`, owner.auth, { name: 'Env', cloud_name: uniqueCloudName(cloudNamePrefix) }),
  );
  return { owner, other, env, envKey: [env.api_access_keys[0].key, env.api_access_keys[0].secret] };
}

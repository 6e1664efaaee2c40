import { allow, deny, type Rule } from '../../../test/support/http.js';
import { basic, deadUrl, type LiveCastellan, type LiveKey, startLiveCastellan } from '../../../test/support/live-castellan.js';
import { type CastellanClient, createCastellanClient } from './index.js';

/**
 * What every framework's middleware must do, run against a real Castellan. Each framework's spec builds an app
 * with the routes below and sends requests through its own test tooling.
 */
export const ROUTES = {
  /** `upload:destroy`, with the JSON body's `folder` and `public_id` as the resource. */
  destroy: '/v1_1/:cloud_name/image/destroy',
  /** `upload:detonate`: an action outside Castellan's catalogue. */
  misdeclared: '/v1_1/:cloud_name/image/detonate',
} as const;
export const DESTROY = 'upload:destroy';
export const UNKNOWN_ACTION = 'upload:detonate';

/** The resource of a destroy request, from its JSON body. */
export function destroyResource(body: unknown): { folder?: unknown; public_id?: unknown } {
  const { folder, public_id } = (body ?? {}) as Record<string, unknown>;
  return { folder, public_id };
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  /** JSON as the app answered it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the contract's checks index into any answer
  body: any;
}

export interface AppUnderTest {
  /** POST with a JSON body; each route answers `{ decision }` with what the middleware put on the request. */
  post(path: string, authorization: string | null, body?: object): Promise<Answer>;
  close(): Promise<void>;
}

export type BuildApp = (client: CastellanClient) => Promise<AppUnderTest>;

/** Uploads anywhere, deletions outside prod/ only. */
const NARROW: Rule[] = [allow('upload:*'), { ...deny('upload:destroy'), conditions: { folder: { $regex: '^prod/' } } }];

export function describeMiddleware(framework: string, build: BuildApp, more?: (context: () => MiddlewareContext) => void): void {
  describe(`${framework} middleware`, () => {
    const context = {} as MiddlewareContext;
    const apps: AppUnderTest[] = [];
    const appWith = async (client: CastellanClient): Promise<AppUnderTest> => {
      const app = await build(client);
      apps.push(app);
      return app;
    };

    beforeAll(async () => {
      context.castellan = await startLiveCastellan();
      context.key = await context.castellan.newKey({ rules: NARROW });
      context.app = await appWith(createCastellanClient({ baseUrl: context.castellan.url }));
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
      await context.castellan.close();
    });

    const destroyIn = (cloudName: string) => ROUTES.destroy.replace(':cloud_name', cloudName);
    const destroy = (authorization: string | null, folder: string, app = context.app) =>
      app.post(destroyIn(context.castellan.env.cloud_name), authorization, { public_id: 'cat', folder });
    const refusal = (status: number, message: string | RegExp) => ({
      status,
      body: { error: { message: message instanceof RegExp ? expect.stringMatching(message) : message } },
    });
    const answered = ({ status, body }: Answer) => ({ status, body });

    it('lets an allowed request through and hands the decision to the handler', async () => {
      const { key, castellan } = context;
      expect(answered(await destroy(key.authorization, 'dev'))).toEqual({
        status: 200,
        body: {
          decision: {
            allowed: true,
            reason: 'ALLOWED',
            key: { api_key: key.api_key, name: key.name, kind: 'environment' },
            environment: { id: castellan.env.id, cloud_name: castellan.env.cloud_name },
            rule: 0,
          },
        },
      });
    });

    it('answers 403 when a rule denies the action on the resource the request names', async () => {
      expect(answered(await destroy(context.key.authorization, 'prod/cats'))).toEqual(refusal(403, `Not allowed: ${DESTROY}`));
    });

    it("reads the environment from the route's :cloud_name", async () => {
      const res = await context.app.post(destroyIn(context.castellan.otherEnv.cloud_name), context.key.authorization, { folder: 'dev' });
      expect(answered(res)).toEqual(refusal(403, `Not allowed: ${DESTROY}`));
    });

    it('answers 401 with a Basic challenge without credentials', async () => {
      const res = await destroy(null, 'dev');
      expect({ ...answered(res), challenge: res.headers['www-authenticate'] }).toEqual({
        ...refusal(401, 'Missing credentials: send the access key and secret with HTTP Basic'),
        challenge: 'Basic realm="castellan"',
      });
    });

    it('answers 401 when Castellan refuses the credentials', async () => {
      const res = await destroy(basic(context.key.api_key, 'w'.repeat(32)), 'dev');
      expect({ ...answered(res), challenge: res.headers['www-authenticate'] }).toEqual({
        ...refusal(401, 'Invalid credentials'),
        challenge: 'Basic realm="castellan"',
      });
    });

    it("answers 429 with Castellan's Retry-After past the key's rate limit", async () => {
      const limited = await context.castellan.newKey({ settings: { rate_limit_per_minute: 1 } });
      expect((await destroy(limited.authorization, 'dev')).status).toBe(200);
      const res = await destroy(limited.authorization, 'dev');
      expect(answered(res)).toEqual(refusal(429, /^Rate limit exceeded: 1 requests per minute/));
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('answers 503 when Castellan is unreachable and the policy is to fail closed', async () => {
      const app = await appWith(createCastellanClient({ baseUrl: await deadUrl() }));
      expect(answered(await destroy(context.key.authorization, 'dev', app))).toEqual(
        refusal(503, 'Authorization is unavailable; retry later'),
      );
    });

    it('lets the request through, marked FAILED_OPEN, when the policy is to fail open', async () => {
      const app = await appWith(createCastellanClient({ baseUrl: await deadUrl(), failClosed: false }));
      const res = await destroy(context.key.authorization, 'prod/cats', app);
      expect({ status: res.status, reason: res.body.decision?.reason, allowed: res.body.decision?.allowed }).toEqual({
        status: 200,
        reason: 'FAILED_OPEN',
        allowed: true,
      });
    });

    it("fails as the framework's own server error when the route names an action outside the catalogue", async () => {
      const res = await context.app.post(
        ROUTES.misdeclared.replace(':cloud_name', context.castellan.env.cloud_name),
        context.key.authorization,
        {},
      );
      expect(res.status).toBe(500);
      expect(res.body?.decision).toBeUndefined();
    });

    more?.(() => context);
  });
}

export interface MiddlewareContext {
  castellan: LiveCastellan;
  /** A key of the environment with the NARROW rules. */
  key: LiveKey;
  app: AppUnderTest;
}

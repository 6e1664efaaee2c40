import type { AddressInfo } from 'node:net';
import type { v2 as CloudinaryV2 } from 'cloudinary';
import type { TestServer } from './harness.js';

/** The official SDK's v2 namespace (cloudinary 2.11.0). */
export type Cloudinary = typeof CloudinaryV2;

/** Credentials for one account, as the SDK's per-call options name them. */
export interface ProvisioningCredentials {
  account_id: string;
  provisioning_api_key: string;
  provisioning_api_secret: string;
}

/** Makes the test server listen on a free loopback port, as the SDK needs a real socket; returns the port. */
export async function listen(server: TestServer): Promise<number> {
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  return (server.app.getHttpServer().address() as AddressInfo).port;
}

/**
 * Loads the official `cloudinary` SDK pointed at http://127.0.0.1:<port>, configured for one account through
 * CLOUDINARY_ACCOUNT_URL (method 1 of the reference). The SDK picks http or https once, when its modules load,
 * from the upload_prefix it reads from the environment, so the variable must be set before the import; a static
 * import would be hoisted above it. Each Jest test file has its own module registry, so this loads a fresh copy.
 */
export async function loadCloudinarySdk(
  port: number,
  account: { account_id: string; api_key: string; api_secret: string },
): Promise<Cloudinary> {
  delete process.env.CLOUDINARY_URL;
  process.env.CLOUDINARY_ACCOUNT_URL = `account://${account.api_key}:${account.api_secret}@${account.account_id}?upload_prefix=http://127.0.0.1:${port}`;
  const loaded = (await import('cloudinary')) as unknown as { v2?: Cloudinary; default?: { v2: Cloudinary } };
  const v2 = loaded.v2 ?? loaded.default?.v2;
  if (!v2) throw new Error('the cloudinary module has no v2 export');
  return v2;
}

/**
 * Per-call options that make one SDK call act as another account. A fresh object on every call matters: SDK
 * functions write `content_type` into the options they are given, which would change how a later call encodes.
 */
export function as(
  account: { account_id: string; api_key: string; api_secret: string },
  extra: Record<string, unknown> = {},
): ProvisioningCredentials & Record<string, unknown> {
  return { account_id: account.account_id, provisioning_api_key: account.api_key, provisioning_api_secret: account.api_secret, ...extra };
}

/** What the SDK rejects with when the server answers with an error body: `{error: {message, http_code}, ...}`. */
export interface SdkRejection {
  error: { message: string; http_code: number };
}

/** Awaits a call that must fail and returns what the SDK rejected with. */
export async function rejectionOf(call: Promise<unknown>): Promise<SdkRejection> {
  let result: unknown;
  try {
    result = await call;
  } catch (rejection) {
    return rejection as SdkRejection;
  }
  throw new Error(`expected the SDK call to reject, but it resolved with ${JSON.stringify(result)}`);
}

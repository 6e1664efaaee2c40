import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { CastellanClient, FastifyRouteCheck, RequestDecision, WithDecision } from '@castellan/client';

/**
 * A tiny image service in Cloudinary's shape: `upload` and `destroy` for a product environment, assets kept in
 * memory. Castellan decides every call with the caller's own credentials; the service never sees a policy.
 */

interface Asset {
  public_id: string;
  folder: string;
  tags: string[];
  version: number;
  created_at: string;
  resource_type: 'image';
  type: 'upload';
}

interface UploadBody {
  file: string;
  public_id?: string;
  folder?: string;
  tags?: string[];
}

interface DestroyBody {
  public_id: string;
}

/** Public ids and folders as Cloudinary allows them: path segments, no leading or trailing slash. */
const PATH = '^[A-Za-z0-9_\\-. ]+(/[A-Za-z0-9_\\-. ]+)*$';
const UPLOAD_SCHEMA = {
  type: 'object',
  required: ['file'],
  additionalProperties: false,
  properties: {
    file: { type: 'string', minLength: 1, description: 'A remote URL or a data URI' },
    public_id: { type: 'string', pattern: PATH, maxLength: 255 },
    folder: { type: 'string', pattern: PATH, maxLength: 255 },
    tags: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 255 } },
  },
} as const;
const DESTROY_SCHEMA = {
  type: 'object',
  required: ['public_id'],
  additionalProperties: false,
  properties: { public_id: { type: 'string', pattern: PATH, maxLength: 511 } },
} as const;

type Params = { cloud_name: string };
type UploadRequest = FastifyRequest<{ Params: Params; Body: UploadBody }>;
type DestroyRequest = FastifyRequest<{ Params: Params; Body: DestroyBody }>;

export async function buildUploadService(castellan: CastellanClient): Promise<FastifyInstance> {
  const app = Fastify();
  // Errors in Cloudinary's shape, as Castellan and the middleware answer them.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send({ error: { message: status < 500 ? error.message : 'Internal error' } });
  });
  await app.register(castellan.fastify);

  // Assets by cloud name and public id.
  const assets = new Map<string, Asset>();
  const idOf = (cloudName: string, publicId: string) => `${cloudName}\n${publicId}`;
  const publicIdOf = ({ public_id, folder }: UploadBody) => [folder, public_id ?? randomName()].filter(Boolean).join('/');
  const folderOf = (publicId: string) => publicId.split('/').slice(0, -1).join('/');

  // The resource Castellan's conditions see: for an upload, what the request asks for ...
  const uploadCheck: FastifyRouteCheck<UploadRequest> = {
    action: 'upload:upload',
    resource: ({ body }) => {
      const publicId = publicIdOf(body);
      return { resource_type: 'image', type: 'upload', public_id: publicId, folder: folderOf(publicId), tags: body.tags ?? [] };
    },
  };
  // ... and for a deletion, the asset as it is stored, so that a caller cannot claim another folder or tags.
  const destroyCheck: FastifyRouteCheck<DestroyRequest> = {
    action: 'upload:destroy',
    resource: ({ params, body }) => {
      const asset = assets.get(idOf(params.cloud_name, body.public_id));
      return {
        resource_type: 'image',
        type: 'upload',
        public_id: body.public_id,
        folder: folderOf(body.public_id),
        tags: asset?.tags ?? [],
      };
    },
  };

  app.post(
    '/v1_1/:cloud_name/image/upload',
    { schema: { body: UPLOAD_SCHEMA }, config: { castellan: uploadCheck } },
    async (request: UploadRequest) => {
      const publicId = publicIdOf(request.body);
      const asset: Asset = {
        public_id: publicId,
        folder: folderOf(publicId),
        tags: request.body.tags ?? [],
        version: Math.floor(Date.now() / 1000),
        created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        resource_type: 'image',
        type: 'upload',
      };
      assets.set(idOf(request.params.cloud_name, publicId), asset);
      // Cloudinary's upload response names the api_key that uploaded; here it is the key Castellan verified.
      return { ...asset, api_key: keyOf((request as WithDecision<UploadRequest>).castellan) };
    },
  );

  app.post(
    '/v1_1/:cloud_name/image/destroy',
    { schema: { body: DESTROY_SCHEMA }, config: { castellan: destroyCheck } },
    async (request: DestroyRequest) => {
      const deleted = assets.delete(idOf(request.params.cloud_name, request.body.public_id));
      return { result: deleted ? 'ok' : 'not found' };
    },
  );

  return app;
}

/** Null only when the client fails open and Castellan could not be asked. */
const keyOf = (decision: RequestDecision): string | null => decision.key?.api_key ?? null;

const randomName = (): string => randomBytes(6).toString('hex');

import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { createCastellanClient } from '@castellan/client';
import { buildUploadService } from '../examples/upload-service/upload-service.js';
import { allow, deny } from './support/http.js';
import { basic, type LiveCastellan, type LiveKey, startLiveCastellan } from './support/live-castellan.js';

// examples/upload-service and Castellan, each on its own port: the example asks Castellan over HTTP with its
// callers' credentials. A security team narrows a key in Castellan, and the example's answers follow.

let castellan: LiveCastellan;
let service: FastifyInstance;
let serviceUrl: string;
let key: LiveKey;

beforeAll(async () => {
  castellan = await startLiveCastellan();
  service = await buildUploadService(createCastellanClient({ baseUrl: castellan.url, timeoutMs: 5_000 }));
  serviceUrl = await service.listen({ host: '127.0.0.1', port: 0 });
  key = await castellan.newKey();
});
afterAll(async () => {
  await service.close();
  await castellan.close();
});

const call = (verb: 'upload' | 'destroy', body: object, as: string | null = key.authorization, cloudName = castellan.env.cloud_name) => {
  const req = request(serviceUrl).post(`/v1_1/${cloudName}/image/${verb}`).send(body);
  return as ? req.set('authorization', as) : req;
};
const upload = (public_id: string, folder: string, tags: string[] = [], as?: string) =>
  call('upload', { file: 'https://example.com/cat.jpg', public_id, folder, tags }, as);
const destroy = (public_id: string, as?: string) => call('destroy', { public_id }, as);
const answer = async (req: PromiseLike<{ status: number; body: unknown }>) => {
  const { status, body } = await req;
  return { status, body };
};
const refused = (status: number, message: string) => ({ status, body: { error: { message } } });

it("uploads and deletes with the key's default policy, naming the key that uploaded", async () => {
  expect(await answer(upload('cat', 'dev', ['pets']))).toEqual({
    status: 200,
    body: {
      public_id: 'dev/cat',
      folder: 'dev',
      tags: ['pets'],
      version: expect.any(Number),
      created_at: expect.stringMatching(/Z$/),
      resource_type: 'image',
      type: 'upload',
      api_key: key.api_key,
    },
  });
  expect(await answer(destroy('dev/cat'))).toEqual({ status: 200, body: { result: 'ok' } });
  expect(await answer(destroy('dev/cat'))).toEqual({ status: 200, body: { result: 'not found' } });
});

it("follows the key's rules as the security team narrows them", async () => {
  expect((await upload('dog', 'prod')).status).toBe(200);
  // No deletions under prod/ for this key.
  await castellan.setRules(key, [allow('upload:*'), { ...deny('upload:destroy'), conditions: { folder: { $regex: '^prod' } } }]);
  expect(await answer(destroy('prod/dog'))).toEqual(refused(403, 'Not allowed: upload:destroy'));
  expect((await upload('owl', 'dev')).status).toBe(200);
  expect(await answer(destroy('dev/owl'))).toEqual({ status: 200, body: { result: 'ok' } });

  // No uploads of anything tagged "private": the tags the request names are the resource's.
  await castellan.setRules(key, [allow('upload:*'), { ...deny('upload:upload'), conditions: { tags: 'private' } }]);
  expect(await answer(upload('diary', 'dev', ['private']))).toEqual(refused(403, 'Not allowed: upload:upload'));
  expect((await upload('diary', 'dev', ['public'])).status).toBe(200);

  // Widened again, the deletion refused above goes through: the asset was kept.
  await castellan.setRules(key, [allow('upload:*')]);
  expect(await answer(destroy('prod/dog'))).toEqual({ status: 200, body: { result: 'ok' } });
});

it('judges a deletion by the stored asset, not by what the caller claims', async () => {
  await castellan.setRules(key, [allow('upload:*'), { ...deny('upload:destroy'), conditions: { tags: 'legal-hold' } }]);
  expect((await upload('contract', 'docs', ['legal-hold'])).status).toBe(200);
  expect(await answer(destroy('docs/contract'))).toEqual(refused(403, 'Not allowed: upload:destroy'));
  await castellan.setRules(key, [allow('upload:*')]);
});

it('refuses a disabled key at once, and takes it back when enabled', async () => {
  const temp = await castellan.newKey();
  expect((await upload('a', 'dev', [], temp.authorization)).status).toBe(200);
  await castellan.update(temp, { enabled: false });
  expect(await answer(upload('a', 'dev', [], temp.authorization))).toEqual(refused(401, 'Invalid credentials'));
  await castellan.update(temp, { enabled: true });
  expect((await upload('a', 'dev', [], temp.authorization)).status).toBe(200);
});

it('refuses missing and wrong credentials with 401', async () => {
  expect(await answer(upload('x', 'dev', [], ''))).toEqual(
    refused(401, 'Missing credentials: send the access key and secret with HTTP Basic'),
  );
  expect(await answer(upload('x', 'dev', [], basic(key.api_key, 'q'.repeat(32))))).toEqual(refused(401, 'Invalid credentials'));
});

it("refuses another environment's key, and another account's", async () => {
  const stranger = await castellan.newKey({ in: castellan.otherEnv });
  expect(await answer(upload('x', 'dev', [], stranger.authorization))).toEqual(refused(403, 'Not allowed: upload:upload'));
  const outsider = await castellan.server.newAccount('Upload outsider');
  expect(await answer(upload('x', 'dev', [], basic(outsider.api_key, outsider.api_secret)))).toEqual(
    refused(403, 'Not allowed: upload:upload'),
  );
});

it('answers bad input with 400 before asking Castellan', async () => {
  const res = await call('upload', { public_id: 'no-file' }, null);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: { message: expect.stringContaining('file') } });
});

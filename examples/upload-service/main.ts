import { createCastellanClient } from '@castellan/client';
import { buildUploadService } from './upload-service.js';

// An example, configured the way a twelve-factor service would be: CASTELLAN_URL, and PORT to listen on.
const castellan = createCastellanClient({
  baseUrl: process.env.CASTELLAN_URL ?? 'http://127.0.0.1:3000',
  timeoutMs: 1_000,
  // A hot service may reuse decisions briefly: a narrowed key bites within two seconds.
  cache: { ttlMs: 2_000, maxEntries: 10_000 },
});
const app = await buildUploadService(castellan);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 4000) });
console.log(`upload-service listening on ${address}, asking Castellan at ${process.env.CASTELLAN_URL ?? 'http://127.0.0.1:3000'}`);

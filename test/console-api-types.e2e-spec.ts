import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { startServer, type TestServer } from './support/harness.js';

// The console's types of the wire format are generated from the API's own description (/docs-json), so that the
// console cannot drift from the API: this suite fails while the committed file differs from what the API says now.
// `UPDATE_API_TYPES=1` (`npm run console:types`) writes the file instead.

const TARGET = join(process.cwd(), 'apps/console/src/api-types.generated.ts');
const REGENERATE = 'run `npm run console:types` to regenerate';

const HEADER = `/**
 * The API's wire format, generated from its OpenAPI document (/docs-json) by test/console-api-types.e2e-spec.ts.
 * Do not edit: ${REGENERATE} after changing a DTO or its OpenAPI annotations.
 */
`;

async function generate(server: TestServer): Promise<string> {
  const document: Parameters<typeof openapiTS>[0] = (await server.http().get('/docs-json').expect(200)).body;
  // Sorted properties and members, so that reordering decorators or modules does not churn the file.
  const ast = await openapiTS(document, { alphabetize: true, silent: true });
  return `${HEADER}\n${astToString(ast)}`;
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

test(`apps/console/src/api-types.generated.ts is what /docs-json describes (${REGENERATE})`, async () => {
  const generated = await generate(server);
  if (process.env.UPDATE_API_TYPES === '1') {
    writeFileSync(TARGET, generated);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(TARGET, 'utf8');
  } catch {
    // Compared below as empty, which fails with the instruction.
  }
  if (committed !== generated) throw new Error(`The console's API types differ from /docs-json: ${REGENERATE}`);
});

test('generating twice gives the same text: the file holds no timestamp or other per-run value', async () => {
  expect(await generate(server)).toBe(await generate(server));
});

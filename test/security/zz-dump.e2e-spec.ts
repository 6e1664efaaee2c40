import { writeFileSync } from 'node:fs';
import { startServer } from '../support/harness.js';
test('dump', async () => {
  const s = await startServer();
  const res = await s.http().get('/docs-json');
  writeFileSync('/tmp/secsuite-docs.json', JSON.stringify(res.body, null, 1));
  await s.close();
});

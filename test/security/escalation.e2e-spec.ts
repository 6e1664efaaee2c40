import fc from 'fast-check';
import { PermissionCatalog } from '@castellan/permissions';
import { startServer, TestServer, usingMysql } from '../support/harness.js';
import { ATTACKER_KINDS, AttackerKind, Hunt, Operation, OPERATIONS, planArbitrary, RunStats } from './support/escalation.js';

// The generative escalation hunt (see support/escalation.ts): random accounts, a random attacker among their keys,
// random sequences of every operation that creates or changes principals or hands out secrets. A fixed seed in CI;
// run it longer, or elsewhere, with
//   ESCALATION_SEED=<n> ESCALATION_RUNS=<n> [ESCALATION_OPERATIONS=rotateKey,updateUser] [ESCALATION_ATTACKERS=account|user] \
//     npx jest test/security/escalation.e2e-spec.ts
// (NODE_OPTIONS=--experimental-vm-modules, as npm test sets it). A failure prints the shrunk sequence that escalated and its seed.

const seed = Number(process.env.ESCALATION_SEED ?? 14);
const numRuns = Number(process.env.ESCALATION_RUNS ?? (usingMysql() ? 60 : 120));
const operations = (process.env.ESCALATION_OPERATIONS?.split(',') ?? OPERATIONS) as Operation[];
const attackers = (process.env.ESCALATION_ATTACKERS?.split(',') ?? ATTACKER_KINDS) as AttackerKind[];

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

test('no sequence of grants, changes and rotations leaves the attacker holding more than it held', async () => {
  const unknown = [
    ...operations.filter((op) => !(OPERATIONS as readonly string[]).includes(op)),
    ...attackers.filter((kind) => !(ATTACKER_KINDS as readonly string[]).includes(kind)),
  ];
  expect(unknown).toEqual([]);
  const actions = server.app.get(PermissionCatalog).expand('*')!;
  const stats: RunStats = { succeeded: {}, refused: {}, secretsReceived: 0 };
  console.log(`escalation hunt: seed ${seed}, ${numRuns} runs of operations ${operations.join(', ')}; attackers start with ${attackers.join(' or ')} keys`);
  await fc.assert(
    fc.asyncProperty(planArbitrary(actions, operations), (plan) => new Hunt(server, actions, stats, attackers).run(plan)),
    { seed, numRuns, endOnFailure: process.env.ESCALATION_SHRINK === '0' },
  );
  console.log(`escalation hunt: ${JSON.stringify(stats)}`);
  // The hunt must have tried something: refusals alone would prove nothing.
  if (process.env.ESCALATION_OPERATIONS === undefined && process.env.ESCALATION_ATTACKERS === undefined) {
    expect(stats.secretsReceived).toBeGreaterThan(numRuns / 4);
    for (const op of ['createUser', 'updateUser', 'generateUserKey', 'rotateKey', 'keyPermissions', 'groupPermissions'] as const) {
      expect({ op, succeeded: (stats.succeeded[op] ?? 0) > 0, refused: (stats.refused[op] ?? 0) > 0 }).toEqual({ op, succeeded: true, refused: true });
    }
  }
}, 1_800_000);

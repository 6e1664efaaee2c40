import fc from 'fast-check';
import { PermissionCatalog } from '@castellan/permissions';
import { startServer, TestServer, usingMysql } from '../support/harness.js';
import { ATTACKER_KINDS, AttackerKind, Hunt, Operation, OPERATIONS, planArbitrary, RunStats } from './support/escalation.js';

// The generative escalation hunt (see support/escalation.ts): random accounts, a random attacker among their keys,
// random sequences of every operation that creates or changes principals or hands out secrets. A fixed seed in CI;
// run it longer, or elsewhere, with
//   ESCALATION_SEED=<n> ESCALATION_RUNS=<n> [ESCALATION_OPERATIONS=rotateKey,updateUser] [ESCALATION_ATTACKERS=account|user] \
//     npx jest test/security/escalation.e2e-spec.ts
// (NODE_OPTIONS=--experimental-vm-modules, as npm test sets it). A failure prints the shrunk sequence that escalated and its seed;
// ESCALATION_SHRINK=0 prints the first one found instead, unshrunk.

const seed = Number(process.env.ESCALATION_SEED ?? 14);
const numRuns = Number(process.env.ESCALATION_RUNS ?? (usingMysql() ? 40 : 80));
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
  console.log(
    `escalation hunt: seed ${seed}, ${numRuns} runs of operations ${operations.join(', ')}; ` +
      `attackers start with ${attackers.join(' or ')} keys`,
  );
  await fc.assert(
    fc.asyncProperty(planArbitrary(actions, operations), (plan) => new Hunt(server, actions, stats, attackers).run(plan)),
    { seed, numRuns, endOnFailure: process.env.ESCALATION_SHRINK === '0' },
  );
  console.log(`escalation hunt: ${JSON.stringify(stats)}`);
  // The hunt must have tried something: refusals alone would prove nothing.
  if (process.env.ESCALATION_OPERATIONS === undefined && process.env.ESCALATION_ATTACKERS === undefined) {
    expect(stats.secretsReceived).toBeGreaterThan(numRuns / 4);
    const tried = OPERATIONS.filter((op) => (stats.succeeded[op] ?? 0) + (stats.refused[op] ?? 0) > 0);
    const succeeded = OPERATIONS.filter((op) => (stats.succeeded[op] ?? 0) > 0);
    expect(tried).toEqual(OPERATIONS);
    expect(succeeded.length).toBeGreaterThanOrEqual(OPERATIONS.length - 3);
  }
}, 1_800_000);

// An idle agent alone on a 4.4 database sends almost nothing: it is told of every change
// (LISTEN), so it polls about once a minute whatever -t says, and it renews no lease, as no
// other agent could judge it. Beside another agent it renews its lease (once half of it has
// passed: lease-renewal.ts), and a newcomer counts the lease from its own arrival at the earliest.
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { sleep, waitFor } from '../helpers/wait';

const dbs: TestDatabase[] = [];

afterAll(async () => {
  await stopAllAgents();
  for (const db of dbs) await db.drop();
});

async function newDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  dbs.push(db);
  return db;
}

type Row = { pid: number; xmin: string; seen: string; login: string; query_start: string | null };

/** The agent's row (its pid, its version xmin, jagseen) and the start of its backend's last statement. */
const agentRow = async (db: TestDatabase, station: string): Promise<Row | undefined> =>
  (
    await db.query<Row>(
      `SELECT a.jagpid AS pid, a.xmin::text AS xmin, a.jagseen::text AS seen, a.jaglogintime::text AS login,
              s.query_start::text AS query_start
         FROM pgagent.pga_jobagent a LEFT JOIN pg_catalog.pg_stat_activity s ON s.pid = a.jagpid
        WHERE a.jagstation = $1`,
      [station],
    )
  )[0];

/** Samples the agent's row every 50 ms for `ms`: the statements seen (a lower bound) and the last row. */
async function watch(
  db: TestDatabase,
  station: string,
  ms: number,
): Promise<{ statements: number; last: Row }> {
  const starts = new Set<string>();
  let last: Row | undefined;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    last = await agentRow(db, station);
    if (last?.query_start) starts.add(last.query_start);
  }
  return { statements: starts.size, last: last! };
}

test('alone, an idle agent neither renews its lease nor polls at -t', async () => {
  const db = await newDatabase();
  // At -t 1 with a lease of 2 * 1 + 10 s, polling at -t and renewing would mean 12 polls and two
  // renewals in the 12 s watched.
  const agent = startAgent(db.conninfo, ['--hostname', 'alone', '-t', '1', '-r', '10']);
  await agent.waitForLog(/pgagent started/);
  const first = await agentRow(db, 'alone');
  const { statements, last } = await watch(db, 'alone', 12_000);
  expect({ xmin: last.xmin, seen: last.seen }).toEqual({ xmin: first!.xmin, seen: first!.seen });
  expect(statements).toBeLessThanOrEqual(2);
}, 60_000);

test('beside another agent, each renews its lease; the newcomer does not take the silent one for dead', async () => {
  const db = await newDatabase();
  // Lease 2 * 1 + 10 = 12 s: alone for 26 s, agent a's jagseen is older than twice its lease when
  // b arrives, which would make b take it for frozen, were the lease not counted from b's arrival.
  const first = startAgent(db.conninfo, ['--hostname', 'a', '-t', '1', '-r', '10']);
  await first.waitForLog(/pgagent started/);
  const a = (await agentRow(db, 'a'))!;
  await sleep(26_000);
  expect((await agentRow(db, 'a'))!.seen).toBe(a.seen);
  const b = startAgent(db.conninfo, ['--hostname', 'b', '-t', '1', '-r', '10']);
  await b.waitForLog(/pgagent started/);
  const seen: Record<string, Set<string>> = { a: new Set(), b: new Set() };
  await waitFor(
    async () => {
      for (const station of ['a', 'b']) {
        const row = await agentRow(db, station);
        if (row && row.seen > row.login) seen[station].add(row.seen);
      }
      return seen.a.size >= 2 && seen.b.size >= 2;
    },
    {
      what: 'two renewals by each agent',
      timeoutMs: 60_000,
      context: () => JSON.stringify(seen, (_k, v) => (v instanceof Set ? [...v] : v)),
    },
  );
  // Still the same registration: b neither swept a nor ended its backend.
  expect((await agentRow(db, 'a'))!.pid).toBe(a.pid);
  expect(b.log).not.toMatch(/cleared dead agent/);
  const lease = await db.query<{ lease: number }>(
    "SELECT extract(epoch FROM jaglease)::int AS lease FROM pgagent.pga_jobagent WHERE jagstation = 'a'",
  );
  expect(lease).toEqual([{ lease: 12 }]);
}, 120_000);

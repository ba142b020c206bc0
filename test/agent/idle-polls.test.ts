// An idle agent's polls are read-only between lease renewals (no write, no WAL per poll), and
// the lease is still renewed (once half of it has passed: lease-renewal.ts).
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { waitFor } from '../helpers/wait';

const dbs: TestDatabase[] = [];

afterAll(async () => {
  await stopAllAgents();
  for (const db of dbs) await db.drop();
});

type Row = { xmin: string; seen: string; login: string; query_start: string | null };

/** Our agent's row (its version xmin, jagseen) and the start of its backend's last statement. */
const agentRow = async (db: TestDatabase, station: string): Promise<Row | undefined> =>
  (
    await db.query<Row>(
      `SELECT a.xmin::text AS xmin, a.jagseen::text AS seen, a.jaglogintime::text AS login,
              s.query_start::text AS query_start
         FROM pgagent.pga_jobagent a LEFT JOIN pg_catalog.pg_stat_activity s ON s.pid = a.jagpid
        WHERE a.jagstation = $1`,
      [station],
    )
  )[0];

test('between renewals an idle agent polls without writing its row', async () => {
  const db = await createTestDatabase();
  dbs.push(db);
  // Lease 2 * 1 + 120 s: renewed about every 61 s, so the polls watched here fall between renewals.
  const agent = startAgent(db.conninfo, ['--hostname', 'quiet', '-t', '1', '-r', '120']);
  await agent.waitForLog(/pgagent started/);
  let row: Row | undefined;
  // The first poll renews the lease it was registered with.
  await waitFor(async () => (row = await agentRow(db, 'quiet')) !== undefined && row.seen > row.login, {
    what: 'the first renewal',
    timeoutMs: 60_000,
  });
  const renewed = row!;
  const starts = new Set<string>();
  await waitFor(
    async () => {
      const now = await agentRow(db, 'quiet');
      if (now?.query_start) starts.add(now.query_start);
      return starts.size >= 4;
    },
    { what: 'four polls', timeoutMs: 50_000, intervalMs: 50 },
  );
  const after = await agentRow(db, 'quiet');
  expect({ xmin: after!.xmin, seen: after!.seen }).toEqual({ xmin: renewed.xmin, seen: renewed.seen });
}, 150_000);

test('an idle agent still renews its lease', async () => {
  const db = await createTestDatabase();
  dbs.push(db);
  // Lease 2 * 1 + 10 s: renewed about every 6 s.
  const agent = startAgent(db.conninfo, ['--hostname', 'renewing', '-t', '1', '-r', '10']);
  await agent.waitForLog(/pgagent started/);
  const seen = new Set<string>();
  await waitFor(
    async () => {
      const row = await agentRow(db, 'renewing');
      if (row && row.seen > row.login) seen.add(row.seen);
      return seen.size >= 3;
    },
    { what: 'three renewals', timeoutMs: 90_000 },
  );
  const lease = await db.query<{ lease: number }>(
    "SELECT extract(epoch FROM jaglease)::int AS lease FROM pgagent.pga_jobagent WHERE jagstation = 'renewing'",
  );
  expect(lease).toEqual([{ lease: 12 }]);
}, 150_000);

// How the agent sees a change, and what an idle poll costs. With an hour between polls, "Run
// now" and a schedule created after the last poll are picked up through the 4.3 trigger's
// NOTIFY; without the trigger (pgAgent 4.2's schema) the agent still works by polling.
// An idle poll is one statement, counted in the server log (log_statement for the test database);
// beside another agent, as one alone polls only about once a minute (idle-polls.test.ts).
import * as fs from 'fs';
import * as path from 'path';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns } from '../helpers/runs';
import { waitFor } from '../helpers/wait';

const STARTED = /pgagent started: agent pid (\d+)/;
const SELECT_ONE = [{ code: 'SELECT 1' }];

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await stopAllAgents();
  await db?.drop();
});

// A poll interval far beyond the tests' waits: what these tests see came through NOTIFY.
const NO_POLL = ['-t', '3600'];

/**
 * Starts the agent and waits until its first poll is over (its connection idle after the
 * probe), so the next poll is an hour away and only a notification can wake it.
 */
async function startWithoutPolls(): Promise<void> {
  const agent = startAgent(db.conninfo, NO_POLL);
  const pid = Number((await agent.waitForLog(STARTED))[1]);
  await waitFor(
    async () =>
      (
        await db.query(
          "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'idle' AND query LIKE '%AS zombies%'",
          [pid],
        )
      ).length === 1,
    { timeoutMs: 30_000, what: "the agent's first poll" },
  );
}

test('with -t 3600, "Run now" is picked up through the notification', async () => {
  await startWithoutPolls();
  const jobid = await createJob(db, { steps: SELECT_ONE });
  await runNow(db, jobid);
  const [run] = await waitForRuns(db, jobid, 1, 30_000);
  expect(run.jlgstatus).toBe('s');
});

test('with -t 3600, a schedule created after the last poll runs at its time', async () => {
  await startWithoutPolls();
  const jobid = await createJob(db, { steps: SELECT_ONE, everyMinute: true });
  const msToDue = 60_000 - (Date.now() % 60_000);
  const [run] = await waitForRuns(db, jobid, 1, msToDue + 30_000);
  expect(run.jlgstatus).toBe('s');
}, 120_000);

test('without the notify trigger (4.2 schema) the agent still picks up "Run now" by polling', async () => {
  await db.query('DROP TRIGGER pga_job_notify ON pgagent.pga_job');
  const agent = startAgent(db.conninfo);
  await agent.waitForLog(STARTED);
  const jobid = await createJob(db, { steps: SELECT_ONE });
  await runNow(db, jobid);
  const [run] = await waitForRuns(db, jobid, 1, 15_000);
  expect(run.jlgstatus).toBe('s');
});

test('an idle poll sends one statement', async () => {
  await db.query(`ALTER DATABASE ${db.name} SET log_statement = 'all'`);
  const logFile = path.join(db.cluster.baseDir, 'server.log');
  await startAgent(db.conninfo, ['--hostname', 'peer']).waitForLog(STARTED);
  const agent = startAgent(db.conninfo);
  const pid = (await agent.waitForLog(STARTED))[1];
  const isProbe = (s: string): boolean => s.includes('AS zombies');
  const since = (offset: number): string[] =>
    statementsOf(fs.readFileSync(logFile).subarray(offset).toString(), pid);
  // Start-up is over once the first poll has probed: count from there.
  await waitFor(() => since(0).some(isProbe), { timeoutMs: 30_000, what: 'the first poll' });
  const from = fs.statSync(logFile).size;
  let statements: string[] = [];
  await waitFor(() => (statements = since(from)).filter(isProbe).length >= 4, {
    timeoutMs: 60_000,
    what: '4 polls',
    context: () => statements.join('\n'),
  });
  expect(statements.filter((s) => !isProbe(s))).toEqual([]);
});

/** The statements the server logged for backend pid, each with its (multi-line) text. */
function statementsOf(log: string, pid: string): string[] {
  return log
    .split(/\n(?=\d{4}-\d\d-\d\d )/)
    .filter((entry) => new RegExp(`^\\S+ \\S+ \\S+ \\[${pid}\\] LOG:  (statement|execute)`).test(entry));
}

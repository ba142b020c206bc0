// `pgagent status|jobs|history|explain|run` against a real database with a real agent: what
// they print is what the SQL API's views hold.
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { waitFor } from '../helpers/wait';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'agent', 'cli.js');
const run = promisify(execFile);

let db: TestDatabase;
let okJob: number;
let badJob: number;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, db.conninfo], { timeout: 30000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function runsOf(jobid: number): Promise<number> {
  return Number(
    (
      await db.query(
        "SELECT count(*) AS n FROM pgagent.pga_joblog WHERE jlgjobid = $1 AND jlgstatus <> 'r'",
        [jobid],
      )
    )[0].n,
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  okJob = Number(
    (await db.query("SELECT pgagent.schedule('nightly vacuum', '0 3 * * *', 'SELECT 1') AS id"))[0].id,
  );
  badJob = Number(
    (
      await db.query("SELECT pgagent.schedule('broken', '*/5 * * * *', 'SELECT * FROM no_such_table') AS id")
    )[0].id,
  );
  startAgent(db.conninfo);
  await waitFor(
    async () => Number((await db.query('SELECT count(*) AS n FROM pgagent.pga_jobagent'))[0].n) === 1,
    { what: 'the agent to register' },
  );
});
afterAll(async () => {
  await stopAllAgents();
  await db?.drop();
});

test('run makes a job due and the agent runs it; by id and by name', async () => {
  expect(await cli('run', String(okJob))).toMatchObject({ code: 0, stdout: `job ${okJob} is due now\n` });
  expect((await cli('run', 'broken')).code).toBe(0);
  await waitFor(async () => (await runsOf(okJob)) === 1 && (await runsOf(badJob)) === 1, {
    what: 'both runs to end',
  });
});

test('jobs lists every job with its cron schedule and last status', async () => {
  const { code, stdout } = await cli('jobs');
  expect(code).toBe(0);
  const lines = stdout.split('\n');
  expect(lines[0]).toBe('Jobs (2)');
  expect(lines[1]).toMatch(/^jobid\s+jobname\s+enabled\s+schedules\s+next_run/);
  expect(lines.find((l) => l.startsWith(`${okJob} `))).toMatch(/nightly vacuum\s+true\s+0 3 \* \* \* \(/);
  expect(lines.find((l) => l.startsWith(`${badJob} `))).toMatch(/failed\s+1\s+.*no_such_table/);
});

test('status shows the live agent, the recent failure and what is due next', async () => {
  const { code, stdout } = await cli('status');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^Agents \(1\)\n/);
  expect(stdout).toMatch(/\n\d+\s+\S+\s+.*\btrue\b/); // the agent's row: alive
  expect(stdout).toContain('Running (0)\n(none)');
  expect(stdout).toMatch(/Recent failures \(1\)\n[^]*broken\s+failed/);
  expect(stdout).toMatch(/Next due \(2\)/);
});

test('history and explain, as text and as JSON', async () => {
  const history = await cli('history', 'broken', '--limit', '5', '--json');
  expect(history.code).toBe(0);
  const runs = JSON.parse(history.stdout)[`Runs of job ${badJob}`];
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ status: 'failed' });
  expect(runs[0].return_message).toContain('no_such_table');
  const explain = await cli('explain', String(badJob));
  expect(explain.code).toBe(0);
  expect(explain.stdout).toMatch(/^Job \d+ \(\d+\)\nreason\n-+\n/);
  expect(explain.stdout).toContain('last run failed');
});

test('errors: unknown job, missing argument, bad option, unreachable server', async () => {
  expect(await cli('history', 'no such job')).toMatchObject({
    code: 1,
    stderr: 'pgagent: no job named "no such job" (SQLSTATE P0002)\n',
  });
  expect((await cli('explain')).code).toBe(2);
  expect((await cli('jobs', '--limit', 'x')).stderr).toContain('--limit must be a whole number');
  const down = await run(process.execPath, [CLI, 'status', 'host=/nonexistent port=1 dbname=x'], {
    timeout: 30000,
  }).catch((e) => e);
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(/^pgagent: /);
});

// pgagent.job_run_details (one row per run, like pg_cron's) and pgagent.job_status (one row
// per job), over runs written as an agent writes them.
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { insertStep, utcClient } from '../helpers/catalog-rows';
import { claim, recordRun, registerAgent } from './runs';

let db: TestDatabase;
let client: Client;
let job: number;
let load: number;
let report: number;

beforeEach(async () => {
  db = await createTestDatabase();
  client = await utcClient(db);
  job = (await client.query("SELECT pgagent.schedule('etl', '0 3 * * *', 'SELECT 1') AS id")).rows[0].id;
  load = (await client.query('SELECT jstid FROM pgagent.pga_jobstep WHERE jstjobid = $1', [job])).rows[0]
    .jstid;
  report = await insertStep(client, job, { name: 'report' });
});

afterEach(async () => {
  await client?.end();
  await db?.drop();
});

const details = async () =>
  (
    await client.query(
      `SELECT runid, job_name, status, step, start_time, end_time, return_message FROM pgagent.job_run_details WHERE jobid = $1 ORDER BY runid`,
      [job],
    )
  ).rows.map((r) => ({
    ...r,
    start_time: r.start_time.toISOString(),
    end_time: r.end_time?.toISOString() ?? null,
  }));

test('job_run_details: status in words, start, end and a one-line message per run', async () => {
  const ok = await recordRun(client, job, 's', '2026-01-01 03:00Z', [
    { jstid: load, status: 's' },
    { jstid: report, status: 's' },
  ]);
  const failed = await recordRun(client, job, 'f', '2026-01-02 03:00Z', [
    { jstid: load, status: 's' },
    {
      jstid: report,
      status: 'f',
      output: '\n  ERROR:  relation "sales" does not exist  \nLINE 1: SELECT * FROM sales',
      result: -1,
    },
  ]);
  const silent = await recordRun(client, job, 'f', '2026-01-03 03:00Z', [
    { jstid: load, status: 'f', result: 2 },
  ]);
  const ignored = await recordRun(client, job, 's', '2026-01-04 03:00Z', [
    { jstid: load, status: 'i' },
    { jstid: report, status: 's' },
  ]);
  const aborted = await recordRun(client, job, 'd', '2026-01-05 03:00Z', [{ jstid: load, status: 'd' }]);
  const internal = await recordRun(client, job, 'i', '2026-01-06 03:00Z');
  const running = await recordRun(client, job, 'r', '2026-01-07 03:00Z', [
    { jstid: load, status: 's' },
    { jstid: report, status: 'r' },
  ]);
  const day = (d: number, end = true) => ({
    start_time: `2026-01-0${d}T03:00:00.000Z`,
    end_time: end ? `2026-01-0${d}T03:01:00.000Z` : null,
  });
  expect(await details()).toEqual([
    {
      runid: ok,
      job_name: 'etl',
      status: 'succeeded',
      step: null,
      ...day(1),
      return_message: '2 steps succeeded',
    },
    {
      runid: failed,
      job_name: 'etl',
      status: 'failed',
      step: 'report',
      ...day(2),
      return_message: 'step "report" failed: ERROR:  relation "sales" does not exist',
    },
    {
      runid: silent,
      job_name: 'etl',
      status: 'failed',
      step: 'command',
      ...day(3),
      return_message: 'step "command" failed: no output, result 2',
    },
    {
      runid: ignored,
      job_name: 'etl',
      status: 'succeeded',
      step: null,
      ...day(4),
      return_message: '1 of 2 steps succeeded, 1 failed and were ignored',
    },
    {
      runid: aborted,
      job_name: 'etl',
      status: 'aborted',
      step: 'command',
      ...day(5),
      return_message: 'aborted in step "command": the agent running it stopped',
    },
    {
      runid: internal,
      job_name: 'etl',
      status: 'internal error',
      step: null,
      ...day(6),
      return_message: 'internal error: the job had no enabled step to run',
    },
    {
      runid: running,
      job_name: 'etl',
      status: 'running',
      step: 'report',
      ...day(7, false),
      return_message: 'running step "report"',
    },
  ]);
});

const status = async () =>
  (await client.query('SELECT * FROM pgagent.job_status WHERE jobid = $1', [job])).rows[0];

test('job_status: schedules with zones, next run, last run, consecutive failures and the last failure', async () => {
  await client.query("SELECT pgagent.alter_job($1, schedule => '0 0 1 * 1')", [job]);
  await client.query(
    'UPDATE pgagent.pga_schedule SET jsctimezone = $2 WHERE jscid = (SELECT min(jscid) FROM pgagent.pga_schedule WHERE jscjobid = $1)',
    [job, 'Asia/Tokyo'],
  );
  let s = await status();
  expect(s).toMatchObject({
    jobname: 'etl',
    enabled: true,
    schedules: ['0 0 1 * * (Asia/Tokyo)', '0 0 * * 1 (UTC)'],
    running_station: null,
    running_agent: null,
    running_agent_alive: null,
    running_since: null,
    last_start: null,
    last_status: null,
    consecutive_failures: 0,
    last_failure_at: null,
  });
  expect(s.next_run).toEqual(
    (await client.query('SELECT min(r) AS r FROM pgagent.next_runs($1::int, 1) AS r', [job])).rows[0].r,
  );

  await recordRun(client, job, 'f', '2026-01-01 03:00Z', [{ jstid: load, status: 'f', output: 'first' }]);
  await recordRun(client, job, 's', '2026-01-02 03:00Z', [{ jstid: load, status: 's' }]);
  await recordRun(client, job, 'f', '2026-01-03 03:00Z', [
    { jstid: load, status: 'f', output: 'boom\nmore' },
  ]);
  await recordRun(client, job, 'd', '2026-01-04 03:00Z', [{ jstid: load, status: 'd' }]);
  s = await status();
  expect(s).toMatchObject({
    last_status: 'aborted',
    last_duration: { minutes: 1 },
    consecutive_failures: 2,
    last_failure_step: 'command',
    last_failure_message: 'step "command" failed: boom',
  });
  expect(s.last_start.toISOString()).toBe('2026-01-04T03:00:00.000Z');
  expect(s.last_failure_at.toISOString()).toBe('2026-01-03T03:00:00.000Z');
});

test('job_status: the run in progress, with its station, agent and whether the agent lives', async () => {
  const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await registerAgent(client, pid, 'db1');
  await claim(client, job, pid);
  await recordRun(client, job, 'r', '2026-01-07 03:00Z', [{ jstid: load, status: 'r' }]);
  expect(await status()).toMatchObject({
    running_station: 'db1',
    running_agent: pid,
    running_agent_alive: true,
  });
  expect((await status()).running_since.toISOString()).toBe('2026-01-07T03:00:00.000Z');
  // Seen from another session once this one (the "agent") is gone.
  await client.end();
  client = await db.connect();
  // pg_stat_activity may take a moment to drop the ended backend.
  for (let k = 0; k < 100 && (await status()).running_agent_alive; k++)
    await new Promise((r) => setTimeout(r, 100));
  expect(await status()).toMatchObject({
    running_station: 'db1',
    running_agent: pid,
    running_agent_alive: false,
  });
});

// Retries and the misfire policy, with the database's triggers doing the scheduling: a job
// failing with max_retries => 2 gets three attempts at the back-off, then its schedule again,
// whether our agent or (order of statements as pgAgent 4.2's) another finishes its runs; a job
// with misfire => 'skip' found 10 minutes late does not run the missed slot and says why.
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { runsOf, waitForRuns } from '../helpers/runs';
import { alterJob, hourlyFarFromNow, scheduledSlot } from './support';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await stopAllAgents();
  await db.drop();
});

type Attempt = { jlgid: number; jlgattempt: number; jlgstatus: string; start: Date; end: Date };

async function attempts(jobid: number): Promise<Attempt[]> {
  return db.query<Attempt>(
    `SELECT jlgid, jlgattempt, jlgstatus, jlgstart AS start, jlgstart + jlgduration AS end
       FROM pgagent.pga_joblog WHERE jlgjobid = $1 ORDER BY jlgid`,
    [jobid],
  );
}

async function nextRun(jobid: number): Promise<Date | null> {
  return (
    await db.query<{ jobnextrun: Date | null }>('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [
      jobid,
    ])
  )[0].jobnextrun;
}

describe('retries', () => {
  afterAll(() => stopAllAgents());

  test('max_retries => 2: three attempts at the back-off (±jitter), then back on schedule', async () => {
    const agent = startAgent(db.conninfo, ['--hostname', 'retry']);
    await agent.waitForLog(/pgagent started/);
    const jobid = await createJob(db, { hostagent: 'retry', steps: [{ code: 'SELECT 1/0' }] });
    await hourlyFarFromNow(db, jobid);
    await alterJob(db, jobid, { max_retries: 2, retry_delay: '1 s', retry_jitter: 0.2 });
    await runNow(db, jobid);
    await waitForRuns(db, jobid, 3, 60_000);
    const runs = await attempts(jobid);
    expect(runs.map((r) => [r.jlgattempt, r.jlgstatus])).toEqual([
      [1, 'f'],
      [2, 'f'],
      [3, 'f'],
    ]);
    // Retry n waits retry_delay * 2^(n-1), less at most 20 % jitter.
    expect(runs[1].start.getTime() - runs[0].end.getTime()).toBeGreaterThanOrEqual(800 - 5);
    expect(runs[2].start.getTime() - runs[1].end.getTime()).toBeGreaterThanOrEqual(1600 - 5);
    expect(await nextRun(jobid)).toEqual(await scheduledSlot(db, jobid));
    const [status] = await db.query(
      'SELECT consecutive_failures, next_attempt, retry_at, max_retries FROM pgagent.job_status WHERE jobid = $1',
      [jobid],
    );
    expect(status).toMatchObject({
      consecutive_failures: 3,
      next_attempt: null,
      retry_at: null,
      max_retries: 2,
    });
    const details = await db.query(
      'SELECT attempt FROM pgagent.job_run_details WHERE jobid = $1 ORDER BY runid',
      [jobid],
    );
    expect(details.map((d) => d.attempt)).toEqual([1, 2, 3]);
  }, 90_000);

  test('a retry is never later than the next scheduled slot, and a success ends the retries', async () => {
    const jobid = await createJob(db, { hostagent: 'nobody', steps: [{ code: 'SELECT 1' }] });
    await hourlyFarFromNow(db, jobid);
    await alterJob(db, jobid, { max_retries: 5, retry_delay: '1 day', retry_jitter: 0 });
    // A run ended as pgAgent 4.2 ends one: the log first, then the job released.
    const finish = async (status: string): Promise<void> => {
      const client = await db.connect();
      try {
        await client.query(
          "INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES (pg_backend_pid(), 'test') ON CONFLICT DO NOTHING",
        );
        await client.query('UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = $1', [jobid]);
        await client.query(
          'UPDATE pgagent.pga_job SET jobagentid = pg_backend_pid(), joblastrun = now() WHERE jobid = $1 AND jobagentid IS NULL',
          [jobid],
        );
        const { rows } = await client.query(
          "INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus) VALUES ($1, 'r') RETURNING jlgid",
          [jobid],
        );
        await client.query(
          'UPDATE pgagent.pga_joblog SET jlgstatus = $2, jlgduration = now() - jlgstart WHERE jlgid = $1',
          [rows[0].jlgid, status],
        );
        await client.query(
          'UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL WHERE jobid = $1',
          [jobid],
        );
        await client.query('DELETE FROM pgagent.pga_jobagent WHERE jagpid = pg_backend_pid()');
      } finally {
        await client.end();
      }
    };
    await finish('f');
    expect(await nextRun(jobid)).toEqual(await scheduledSlot(db, jobid)); // a day's back-off: the slot comes first
    expect(
      (await db.query('SELECT next_attempt FROM pgagent.job_status WHERE jobid = $1', [jobid]))[0]
        .next_attempt,
    ).toBe(2);
    await finish('s');
    const runs = await attempts(jobid);
    expect(runs.map((r) => r.jlgattempt)).toEqual([1, 2]);
    expect(
      (
        await db.query('SELECT next_attempt, consecutive_failures FROM pgagent.job_status WHERE jobid = $1', [
          jobid,
        ])
      )[0],
    ).toMatchObject({ next_attempt: null, consecutive_failures: 0 });
  });
});

describe('misfire', () => {
  test("after 10 minutes without agents, misfire => 'skip' does not run the missed slot and says why; run_once runs it once", async () => {
    const every5 = `array_agg(m % 5 = 0 ORDER BY m)`;
    const make = async (name: string): Promise<number> => {
      const jobid = await createJob(db, { name, hostagent: 'misfire', steps: [{ code: 'SELECT 1' }] });
      await db.query(
        `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscstart, jscminutes) SELECT $1, 'every 5 minutes', now() - interval '1 hour', ${every5} FROM generate_series(0, 59) m`,
        [jobid],
      );
      return jobid;
    };
    const skip = await make('skip when late');
    const once = await make('run once when late');
    await alterJob(db, skip, { misfire: 'skip', misfire_grace: '1 minute' });
    // No agent for 10 minutes: both jobs were due 10 minutes ago and nobody ran them.
    await db.query(
      "UPDATE pgagent.pga_job SET jobnextrun = now() - interval '10 minutes' WHERE jobid = ANY($1)",
      [[skip, once]],
    );
    const missed = await nextRun(skip);
    const agent = startAgent(db.conninfo, ['--hostname', 'misfire']);
    await agent.waitForLog(/pgagent started/);
    await waitForRuns(db, once, 1, 30_000);
    await waitFor(
      async () =>
        (await db.query('SELECT 1 FROM pgagent.pga_jobskip WHERE jskjobid = $1', [skip])).length > 0,
      { what: 'the skip to be logged' },
    );
    const [skipped] = await db.query<{ jskslot: Date; jskat: Date; jskreason: string }>(
      'SELECT jskslot, jskat, jskreason FROM pgagent.pga_jobskip WHERE jskjobid = $1',
      [skip],
    );
    expect(skipped.jskslot).toEqual(missed);
    expect(skipped.jskreason).toMatch(
      /^misfire skip: due at .*, 00:10:\d\d late, more than misfire_grace 00:01:00/,
    );
    // No run before the first 5-minute slot after the skip (that one is the schedule's, not the missed one).
    const firstSlotAfter = Math.ceil(skipped.jskat.getTime() / 300_000) * 300_000;
    for (const run of await attempts(skip))
      expect(run.start.getTime()).toBeGreaterThanOrEqual(firstSlotAfter);
    expect((await nextRun(skip))!.getTime()).toBeGreaterThan(skipped.jskat.getTime());
    const [status] = await db.query(
      'SELECT misfire, last_skipped_slot, last_skip_reason FROM pgagent.job_status WHERE jobid = $1',
      [skip],
    );
    expect(status).toMatchObject({
      misfire: 'skip',
      last_skipped_slot: missed,
      last_skip_reason: skipped.jskreason,
    });
    expect(await runsOf(db, once)).toHaveLength(1);
    expect((await db.query('SELECT 1 FROM pgagent.pga_jobskip WHERE jskjobid = $1', [once])).length).toBe(0);
  }, 90_000);
});

describe('settings', () => {
  test("a job made as pgAdmin makes it has pgAgent's behaviour; bad settings are errors naming them", async () => {
    const jobid = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
    const [status] = await db.query(
      'SELECT timeout, step_timeout, max_retries, misfire FROM pgagent.job_status WHERE jobid = $1',
      [jobid],
    );
    expect(status).toEqual({ timeout: null, step_timeout: null, max_retries: 0, misfire: 'run_once' });
    await expect(alterJob(db, jobid, { misfire: 'never' })).rejects.toThrow('invalid misfire policy "never"');
    await expect(alterJob(db, jobid, { max_retries: -1 })).rejects.toThrow(
      `invalid job setting for job ${jobid}`,
    );
    await alterJob(db, jobid, { timeout: '5 minutes' });
    await alterJob(db, jobid, { timeout: '0' });
    expect(
      (await db.query('SELECT timeout FROM pgagent.job_status WHERE jobid = $1', [jobid]))[0].timeout,
    ).toBeNull();
  });
});

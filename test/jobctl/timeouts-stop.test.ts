// Time limits and pgagent.stop against real agents: a step over its limit is cancelled (SQL:
// its backend gone; batch: its process group gone) and recorded failed with "timed out after",
// the job back on its schedule; a stop request ends a running run as aborted ('d') with who
// asked, also with a second agent beside it and while the holding agent runs other jobs.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { promisify } from 'util';
import { CLI, startAgent, stopAllAgents } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns, waitForRunningStep } from '../helpers/runs';
import { alterJob, backendsRunning, groupAlive, hourlyFarFromNow, scheduledSlot } from './support';

let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-jobctl-'));
  const a = startAgent(db.conninfo, ['--hostname', 'ctl-a']);
  const b = startAgent(db.conninfo, ['--hostname', 'ctl-b']);
  await Promise.all([a.waitForLog(/pgagent started/), b.waitForLog(/pgagent started/)]);
});

afterAll(async () => {
  await stopAllAgents();
  await db.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const seconds = (interval: unknown): number => {
  const { hours = 0, minutes = 0, seconds = 0, milliseconds = 0 } = interval as Record<string, number>;
  return hours * 3600 + minutes * 60 + seconds + milliseconds / 1000;
};

/** A batch step that writes its process group id (its own pid: it leads the group) and sleeps. */
async function waitForGroup(pidFile: string): Promise<number> {
  await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'), {
    what: 'the script to start',
  });
  return Number(fs.readFileSync(pidFile, 'utf8'));
}

describe('timeouts', () => {
  test('an SQL step over its step_timeout is cancelled, its backend gone, recorded f, the job back on schedule', async () => {
    const jobid = await createJob(db, { steps: [{ code: 'SELECT pg_sleep(600) /* jobctl-timeout-sql */' }] });
    await hourlyFarFromNow(db, jobid);
    await alterJob(db, jobid, { step_timeout: '2 s' });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid, 1, 60_000);
    expect(run.jlgstatus).toBe('f');
    expect(run.steps).toMatchObject([{ jslstatus: 'f' }]);
    expect(run.steps[0].jsloutput).toMatch(/^timed out after 2 s/);
    // The limit plus the 2 s before a terminate, with room for a loaded machine.
    expect(seconds(run.jlgduration)).toBeGreaterThanOrEqual(2);
    expect(seconds(run.jlgduration)).toBeLessThan(30);
    await waitFor(async () => (await backendsRunning(db, 'jobctl-timeout-sql')) === 0, {
      what: 'the step backend to go',
    });
    const [job] = await db.query<{ jobnextrun: Date }>(
      'SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1',
      [jobid],
    );
    expect(job.jobnextrun).toEqual(await scheduledSlot(db, jobid));
    const [details] = await db.query(
      'SELECT status, return_message FROM pgagent.job_run_details WHERE jobid = $1',
      [jobid],
    );
    expect(details).toMatchObject({
      status: 'failed',
      return_message: expect.stringContaining('timed out after 2 s'),
    });
  }, 90_000);

  test('a batch step over the job timeout: its process group gets SIGTERM, the run is recorded f', async () => {
    const pidFile = path.join(tmp, 'timeout.pid');
    const jobid = await createJob(db, { steps: [{ kind: 'b', code: `echo $$ > ${pidFile}\nsleep 600\n` }] });
    await hourlyFarFromNow(db, jobid);
    await alterJob(db, jobid, { timeout: '2 s' });
    await runNow(db, jobid);
    const pgid = await waitForGroup(pidFile);
    try {
      const [run] = await waitForRuns(db, jobid, 1, 60_000);
      expect(run.jlgstatus).toBe('f');
      expect(run.steps).toMatchObject([{ jslstatus: 'f', jslresult: 143 }]);
      expect(run.steps[0].jsloutput).toMatch(/^timed out after 2 s \(the job's timeout\)/);
      expect(seconds(run.jlgduration)).toBeLessThan(30);
      await waitFor(() => !groupAlive(pgid), {
        timeoutMs: 20_000,
        what: `the script's process group ${pgid} to end`,
      });
      const [job] = await db.query<{ jobnextrun: Date }>(
        'SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1',
        [jobid],
      );
      expect(job.jobnextrun).toEqual(await scheduledSlot(db, jobid));
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 90_000);

  test("a step timeout follows the step's on-error rule: ignored, the next step runs", async () => {
    const jobid = await createJob(db, {
      steps: [{ code: 'SELECT pg_sleep(600)', onerror: 'i' }, { code: 'SELECT 1' }],
    });
    await alterJob(db, jobid, { step_timeout: '1 s' });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid, 1, 60_000);
    expect(run.jlgstatus).toBe('s');
    expect(run.steps).toMatchObject([{ jslstatus: 'i' }, { jslstatus: 's' }]);
  }, 90_000);
});

describe('pgagent.stop', () => {
  test('a job that is not running: a notice, false, no error', async () => {
    const jobid = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
    const client = await db.connect();
    try {
      const notices: string[] = [];
      client.on('notice', (n) => notices.push(n.message ?? ''));
      const { rows } = await client.query('SELECT pgagent.stop($1::int4) AS asked', [jobid]);
      expect(rows[0].asked).toBe(false);
      expect(notices).toEqual([`job ${jobid} is not running: nothing to stop`]);
    } finally {
      await client.end();
    }
  });

  test('an SQL step stopped beside a second agent, while its agent runs another job: d, who asked, backend gone', async () => {
    const busy = await createJob(db, {
      name: 'busy',
      hostagent: 'ctl-a',
      steps: [{ code: 'SELECT pg_sleep(600) /* jobctl-busy */' }],
    });
    const jobid = await createJob(db, {
      name: 'to stop',
      hostagent: 'ctl-a',
      steps: [{ code: 'SELECT pg_sleep(600) /* jobctl-stop-sql */' }],
    });
    await runNow(db, busy, jobid);
    await waitForRunningStep(db, busy);
    await waitForRunningStep(db, jobid);
    const client = await db.connect();
    try {
      await client.query("SET application_name = 'jobctl test'");
      const asked = Date.now();
      expect((await client.query('SELECT pgagent.stop($1::int4) AS asked', [jobid])).rows[0].asked).toBe(
        true,
      );
      const [run] = await waitForRuns(db, jobid, 1, 30_000);
      console.log(
        `pgagent.stop to run recorded 'd' (SQL step, agent busy with another job): ${Date.now() - asked} ms (as polled every 100 ms)`,
      );
      expect(run.jlgstatus).toBe('d');
      expect(run.steps).toMatchObject([{ jslstatus: 'd' }]);
      expect(run.steps[0].jsloutput).toMatch(/stop requested by \S+ \(jobctl test\) at /);
      const [details] = await db.query(
        'SELECT status, stop_requested_by, return_message FROM pgagent.job_run_details WHERE runid = $1',
        [run.jlgid],
      );
      expect(details).toMatchObject({
        status: 'aborted',
        stop_requested_by: expect.stringContaining('(jobctl test)'),
        return_message: expect.stringMatching(/^stopped at the request of/),
      });
      await waitFor(async () => (await backendsRunning(db, 'jobctl-stop-sql')) === 0, {
        what: 'the step backend to go',
      });
      // The other job runs on.
      expect(await backendsRunning(db, 'jobctl-busy')).toBe(1);
      await client.query('SELECT pgagent.stop($1)', ['busy']);
      expect((await waitForRuns(db, busy, 1, 30_000))[0].jlgstatus).toBe('d');
    } finally {
      await client.end();
    }
  }, 90_000);

  test("a stop asked for while the agent's connection is down is carried out when it is back", async () => {
    const jobid = await createJob(db, { hostagent: 'ctl-a', steps: [{ code: 'SELECT pg_sleep(600)' }] });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    const client = await db.connect();
    const admin = new Client(db.cluster.clientConfig('postgres'));
    await admin.connect();
    const allowConnections = (allow: boolean): Promise<unknown> =>
      admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS ${allow}`);
    try {
      const [{ jobagentid }] = (
        await client.query('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [jobid])
      ).rows;
      // The agent cannot reconnect, so it cannot hear the notification: only the stored request can reach it.
      await allowConnections(false);
      await client.query('SELECT pg_terminate_backend($1)', [jobagentid]);
      expect((await client.query('SELECT pgagent.stop($1::int4) AS asked', [jobid])).rows[0].asked).toBe(
        true,
      );
      await allowConnections(true);
      const [run] = await waitForRuns(db, jobid, 1, 60_000);
      expect(run.jlgstatus).toBe('d');
      expect(run.steps[0].jsloutput).toMatch(/stop requested by /);
    } finally {
      await allowConnections(true);
      await Promise.all([client.end(), admin.end()]);
    }
  }, 90_000);

  test('a batch step stopped by name: d, its process group gone', async () => {
    const pidFile = path.join(tmp, 'stop.pid');
    const jobid = await createJob(db, {
      name: 'batch to stop',
      steps: [{ kind: 'b', code: `echo $$ > ${pidFile}\nsleep 600\n` }],
    });
    await runNow(db, jobid);
    const pgid = await waitForGroup(pidFile);
    await waitForRunningStep(db, jobid);
    try {
      const asked = Date.now();
      await db.query("SELECT pgagent.stop('batch to stop')");
      const [run] = await waitForRuns(db, jobid, 1, 30_000);
      console.log(
        `pgagent.stop to run recorded 'd' (batch step): ${Date.now() - asked} ms (as polled every 100 ms)`,
      );
      expect(run.jlgstatus).toBe('d');
      expect(run.steps[0].jsloutput).toMatch(/\[cancelled: stop requested by /);
      await waitFor(() => !groupAlive(pgid), {
        timeoutMs: 20_000,
        what: `the script's process group ${pgid} to end`,
      });
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 90_000);
});

test('pgagent stop JOB (the status CLI): a running job is stopped, one not running is said so', async () => {
  const jobid = await createJob(db, { name: 'cli stop', steps: [{ code: 'SELECT pg_sleep(600)' }] });
  const stop = async (): Promise<string> =>
    (await promisify(execFile)(process.execPath, [CLI, 'stop', 'cli stop', db.conninfo], { timeout: 30_000 }))
      .stdout;
  expect(await stop()).toBe(`job ${jobid} is not running: nothing to stop\n`);
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  expect(await stop()).toBe(`job ${jobid}: asked its agent to stop the running run\n`);
  const [run] = await waitForRuns(db, jobid, 1, 30_000);
  expect(run.jlgstatus).toBe('d');
  expect(run.steps[0].jsloutput).toMatch(/stop requested by \S+ \(pgagent status\)/);
}, 60_000);

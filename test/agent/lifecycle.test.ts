// Start-up, shutdown and agents side by side, with the built binary as real processes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { runsOf, stepBackendPid, waitForRuns, waitForRunningStep } from '../helpers/runs';
import { processAlive } from '../../scripts/cluster';
import { waitFor } from '../helpers/wait';

const dbs: TestDatabase[] = [];
let tmp: string;

async function database(opts?: Parameters<typeof createTestDatabase>[0]): Promise<TestDatabase> {
  const db = await createTestDatabase(opts);
  dbs.push(db);
  return db;
}

/** Scripts of batch steps write "<pid> <dir>" here, so that afterAll can end any left behind. */
const scripts: { pid: number; dir: string }[] = [];

function reportingScript(name: string, body: string): { code: string; file: string } {
  const file = path.join(tmp, `${name}.pid`);
  return { file, code: `echo "$$ $PWD" > ${file}\n${body}` };
}

/** Waits for a script to report, and returns its pid and directory. */
async function scriptStarted(file: string): Promise<{ pid: number; dir: string }> {
  await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('\n'), {
    what: `${file} to be written`,
  });
  const [pid, dir] = fs.readFileSync(file, 'utf8').trim().split(' ');
  const script = { pid: Number(pid), dir };
  scripts.push(script);
  return script;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-agent-lifecycle-'));
});

afterAll(async () => {
  await stopAllAgents();
  // Scripts of agents killed with SIGKILL outlive them (they run in process groups of their own).
  for (const { pid, dir } of scripts) {
    if (processAlive(pid)) process.kill(-pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const db of dbs) await db.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// Database problems at start are retried, not fatal: service-startup.test.ts.
describe('start-up usage errors are clear and fatal', () => {
  test('a malformed connection string is a usage error', async () => {
    const agent = startAgent("host=localhost dbname='unterminated");
    expect((await agent.exited).code).toBe(2);
    expect(agent.log).toMatch(/invalid connect string/);
  });
});

describe('shutdown', () => {
  test('SIGTERM lets a short job finish, then deregisters and exits 0', async () => {
    const db = await database();
    const agent = startAgent(db.conninfo, ['--shutdown-grace', '60']);
    await agent.waitForLog(/pgagent started/);
    const jobid = await createJob(db, { steps: [{ kind: 'b', code: 'sleep 1\necho done' }] });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    agent.signal('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const runs = await runsOf(db, jobid);
    expect(runs.map((r) => r.jlgstatus)).toEqual(['s']);
    expect(runs[0].steps).toMatchObject([{ jslstatus: 's', jsloutput: 'done\n' }]);
    expect(await db.query('SELECT * FROM pgagent.pga_jobagent')).toEqual([]);
  });

  test('after the grace period, running SQL and batch steps are cancelled and recorded aborted', async () => {
    const db = await database();
    const endless = reportingScript('endless', "trap '' TERM\nwhile :; do sleep 0.2; done");
    const agent = startAgent(db.conninfo, ['--shutdown-grace', '1']);
    await agent.waitForLog(/pgagent started/);
    // The shell ignores SIGTERM, so only the SIGKILL that follows ends it.
    const batch = await createJob(db, { steps: [{ kind: 'b', code: endless.code }] });
    const sql = await createJob(db, { steps: [{ code: 'SELECT pg_sleep(1000)' }, { code: 'SELECT 1' }] });
    await runNow(db, batch, sql);
    await waitForRunningStep(db, batch);
    await waitForRunningStep(db, sql);
    const { pid: scriptPid } = await scriptStarted(endless.file);
    agent.signal('SIGTERM');
    expect((await agent.exited).code).toBe(0);

    const [batchRun] = await runsOf(db, batch);
    expect(batchRun.jlgstatus).toBe('d');
    expect(batchRun.steps).toMatchObject([{ jslstatus: 'd', jslresult: 137 }]);
    expect(batchRun.steps[0].jsloutput).toContain('[cancelled: the agent is shutting down]');
    expect(processAlive(scriptPid)).toBe(false);

    const [sqlRun] = await runsOf(db, sql);
    expect(sqlRun.jlgstatus).toBe('d');
    expect(sqlRun.steps).toMatchObject([{ jslstatus: 'd', jslresult: -1 }]);
    expect(sqlRun.steps[0].jsloutput).toContain('57014: canceling statement due to user request');
    expect(await db.query('SELECT * FROM pgagent.pga_job WHERE jobagentid IS NOT NULL')).toEqual([]);
    expect(await db.query('SELECT * FROM pgagent.pga_jobagent')).toEqual([]);
    expect(
      await db.query(
        "SELECT * FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep(1000)%' AND state = 'active' AND pid <> pg_backend_pid()",
        [db.name],
      ),
    ).toEqual([]);
  });
});

describe('agents side by side', () => {
  test('two agents run each of 200 due jobs exactly once', async () => {
    const db = await database();
    await db.query('CREATE TABLE public.ran (jobid int)');
    await db.query(`
      WITH jobs AS (
        INSERT INTO pgagent.pga_job (jobjclid, jobname) SELECT 1, 'bulk ' || i FROM generate_series(1, 200) i RETURNING jobid)
      INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstdbname, jstcode)
      SELECT jobid, 'step', 's', current_database(), format('SELECT pg_sleep(0.02); INSERT INTO public.ran VALUES (%s)', jobid) FROM jobs`);
    const agents = ['one', 'two'].map((h) => startAgent(db.conninfo, ['--hostname', h, '--max-jobs', '8']));
    await Promise.all(agents.map((a) => a.waitForLog(/pgagent started/)));
    await db.query('UPDATE pgagent.pga_job SET jobnextrun = now()');
    await waitFor(
      async () => (await db.query("SELECT 1 FROM pgagent.pga_joblog WHERE jlgstatus <> 'r'")).length >= 200,
      { timeoutMs: 90_000, what: '200 finished runs' },
    );
    await Promise.all(agents.map((a) => a.stop()));
    const [counts] = await db.query(`
      SELECT (SELECT count(*)::int FROM public.ran) AS ran, (SELECT count(DISTINCT jobid)::int FROM public.ran) AS jobs,
             (SELECT count(*)::int FROM pgagent.pga_joblog) AS runs,
             (SELECT count(*)::int FROM pgagent.pga_joblog WHERE jlgstatus = 's') AS succeeded,
             (SELECT count(*)::int FROM pgagent.pga_jobsteplog) AS steps,
             (SELECT count(*)::int FROM pgagent.pga_job WHERE jobagentid IS NOT NULL OR jobnextrun IS NOT NULL) AS held`);
    expect(counts).toEqual({ ran: 200, jobs: 200, runs: 200, succeeded: 200, steps: 200, held: 0 });
  }, 120_000);

  test("kill -9 of an agent during an SQL step: the step's backend is ended before the job can run again", async () => {
    const db = await database();
    const a = startAgent(db.conninfo, ['--hostname', 'a', '-r', '10']);
    const b = startAgent(db.conninfo, ['--hostname', 'b']);
    await Promise.all([a, b].map((x) => x.waitForLog(/pgagent started/)));
    const jobid = await createJob(db, { hostagent: 'a', steps: [{ code: 'SELECT pg_sleep(600)' }] });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    const stepPid = await stepBackendPid(db, jobid);
    await a.stop('SIGKILL');
    // pg_sleep does not notice that its client is gone: only the sweep ends it.
    await b.waitForLog(
      /cleared dead agent pid \d+ on station "a": 1 running job\(s\) recorded aborted, 1 job\(s\) released, [1-9]\d* backend\(s\) ended/,
      60_000,
    );
    expect(await db.query('SELECT pid FROM pg_stat_activity WHERE pid = $1', [stepPid])).toEqual([]);
    expect(await runsOf(db, jobid)).toMatchObject([{ jlgstatus: 'd', steps: [{ jslstatus: 'd' }] }]);
    expect((await b.stop()).code).toBe(0);
  }, 90_000);

  test("the sweep ends only its own database's steps: another database's step with the same job and run ids runs on", async () => {
    const db = await database();
    const other = await database();
    const agents = [
      startAgent(db.conninfo, ['--hostname', 'a', '-r', '10']),
      startAgent(db.conninfo, ['--hostname', 'b']),
      startAgent(other.conninfo, ['--hostname', 'c']),
    ];
    const [a, b, c] = agents;
    await Promise.all(agents.map((x) => x.waitForLog(/pgagent started/)));
    const jobs = [
      await createJob(db, { hostagent: 'a', steps: [{ code: 'SELECT pg_sleep(600)' }] }),
      await createJob(other, { hostagent: 'c', steps: [{ code: 'SELECT pg_sleep(600)' }] }),
    ];
    await runNow(db, jobs[0]);
    await runNow(other, jobs[1]);
    const otherPid = await stepBackendPid(other, jobs[1]);
    await stepBackendPid(db, jobs[0]);
    // Fresh databases number their jobs and runs alike: the two steps differ only by database.
    const ids = [
      [jobs[0], (await runsOf(db, jobs[0]))[0].jlgid],
      [jobs[1], (await runsOf(other, jobs[1]))[0].jlgid],
    ];
    expect(ids[0]).toEqual(ids[1]);
    await a.stop('SIGKILL');
    await b.waitForLog(
      /cleared dead agent pid \d+ on station "a": 1 running job\(s\) recorded aborted/,
      60_000,
    );
    expect(await other.query('SELECT pid FROM pg_stat_activity WHERE pid = $1', [otherPid])).toEqual([
      { pid: otherPid },
    ]);
    expect(await runsOf(other, jobs[1])).toMatchObject([{ jlgstatus: 'r', steps: [{ jslstatus: 'r' }] }]);
    await other.query('SELECT pg_cancel_backend($1)', [otherPid]);
    await waitForRuns(other, jobs[1]);
    expect((await c.stop()).code).toBe(0);
    expect((await b.stop()).code).toBe(0);
  }, 90_000);

  test('kill -9 of an agent mid-job: the other agent records the run aborted and the job runs again', async () => {
    const db = await database();
    const orphan = reportingScript('orphan', 'sleep 600');
    // -r 10: a's lease (2 polls + a retry interval) runs out 12 s after it died.
    const a = startAgent(db.conninfo, ['--hostname', 'a', '-r', '10']);
    const b = startAgent(db.conninfo, ['--hostname', 'b']);
    await Promise.all([a, b].map((x) => x.waitForLog(/pgagent started/)));
    const jobid = await createJob(db, {
      hostagent: 'a',
      everyMinute: true,
      steps: [{ kind: 'b', code: orphan.code }],
    });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    await scriptStarted(orphan.file);
    const killed = await a.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const [run] = await waitForRuns(db, jobid, 1, 60_000);
    expect(run.jlgstatus).toBe('d');
    expect(run.steps).toMatchObject([{ jslstatus: 'd' }]);
    await b.waitForLog(/cleared dead agent pid \d+ on station "a": 1 running job\(s\) recorded aborted/);
    // Released with its next run computed from its schedule: a whole minute after the run began
    // (not "after now()": nobody can claim it, so a minute boundary may pass before this looks).
    const [job] = await db.query(
      `SELECT j.jobagentid IS NULL AS released, date_trunc('minute', j.jobnextrun) = j.jobnextrun AS whole_minute,
              j.jobnextrun > l.jlgstart AS after_start
         FROM pgagent.pga_job j JOIN pgagent.pga_joblog l ON l.jlgjobid = j.jobid
        WHERE j.jobid = $1 AND l.jlgid = $2`,
      [jobid, run.jlgid],
    );
    expect(job).toEqual({ released: true, whole_minute: true, after_start: true });
    // Without its schedule it runs once more, on "Run now" only, not also at a minute boundary.
    await db.query('DELETE FROM pgagent.pga_schedule WHERE jscjobid = $1', [jobid]);
    await db.query("UPDATE pgagent.pga_jobstep SET jstcode = 'echo again' WHERE jstjobid = $1", [jobid]);
    await db.query("UPDATE pgagent.pga_job SET jobhostagent = 'b' WHERE jobid = $1", [jobid]);
    await runNow(db, jobid);
    const runs = await waitForRuns(db, jobid, 2);
    expect(runs.map((r) => r.jlgstatus)).toEqual(['d', 's']);
    expect(runs[1].steps).toMatchObject([{ jslstatus: 's', jsloutput: 'again\n' }]);
    expect((await b.stop()).code).toBe(0);
  }, 90_000);
});

// The statements that record a run, run by hand on one connection as the agent's service
// connection runs them: what the claim writes (the run's row and its first step's), the end
// of a run with the step that ended it, repeats of it (a replay after a reconnect), a run
// stopped before its first step, and the take-over dropping the rows of a claim whose reply
// was lost.
import { Client } from 'pg';
import { registerAgent, takeOverJobs } from '../../agent/sql/agents';
import { ClaimedRuns } from '../../agent/sql/claimed-runs';
import { clientDb } from '../../agent/sql/db';
import { claimDueJobs } from '../../agent/sql/poll';
import { FINISH_RUNS } from '../../agent/sql/run-ends';
import { runStore } from '../../agent/sql/runs';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, createJobs, runNow } from '../helpers/jobs';
import { runsOf } from '../helpers/runs';

let db: TestDatabase;
let client: Client;
const claimed = new ClaimedRuns();
let store: ReturnType<typeof runStore>;

beforeEach(async () => {
  db = await createTestDatabase();
  client = await db.connect();
  await registerAgent(clientDb(client), 'by hand', 60);
  store = runStore(async (sql, params) => {
    const { rows, rowCount } = await client.query(sql, params);
    return { rows, rowCount: rowCount ?? 0 };
  }, claimed);
});

afterEach(async () => {
  await client.end();
  await db.drop();
});

/** Makes the job due and claims it on the test's connection; returns its run id. */
async function claim(jobid: number): Promise<number> {
  await runNow(db, jobid);
  const jobs = await claimDueJobs(clientDb(client), 'by hand', 10, claimed, true);
  expect(jobs.map((j) => j.jobid)).toEqual([jobid]);
  return (await store.startRun(jobid)) as number;
}

const holder = async (jobid: number): Promise<unknown> =>
  (await db.query('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [jobid]))[0].jobagentid;

test("the claim logs the run and its first step, running; the first step's start takes that row", async () => {
  const jobid = await createJob(db, {
    steps: [
      { name: 'b', code: 'SELECT 1' },
      { name: 'a', code: 'SELECT 1' },
    ],
  });
  const runId = await claim(jobid);
  const [run] = await runsOf(db, jobid);
  expect(run).toMatchObject({ jlgid: runId, jlgstatus: 'r', steps: [{ jslstatus: 'r' }] });
  const steps = await store.steps(jobid);
  expect(steps.map((s) => s.jstname)).toEqual(['a', 'b']);
  const first = await store.startStep(runId, jobid, steps[0].jstid);
  const [{ jslid, jsljstid }] = await db.query<{ jslid: number; jsljstid: number }>(
    'SELECT jslid, jsljstid FROM pgagent.pga_jobsteplog WHERE jsljlgid = $1',
    [runId],
  );
  expect({ first, stepId: steps[0].jstid }).toEqual({ first: { id: jslid }, stepId: jsljstid });
  // The second step's row is a statement of its own.
  const second = await store.startStep(runId, jobid, steps[1].jstid);
  expect(second).not.toEqual(first);
  expect((await runsOf(db, jobid))[0].steps.map((s) => s.jslstatus)).toEqual(['r', 'r']);
});

test('the step that ends the run is written with the run end; repeating it changes nothing', async () => {
  const jobid = await createJob(db, { steps: [{ name: 'only', code: 'SELECT 1' }] });
  const runId = await claim(jobid);
  const [step] = await store.steps(jobid);
  const logged = await store.startStep(runId, jobid, step.jstid);
  if (!('id' in logged)) throw new Error(`not logged: ${logged.missing}`);
  const end = {
    stepRunId: logged.id,
    end: { status: 'f' as const, result: -1, seconds: 0.5, output: 'ERROR: boom' },
  };
  expect(await store.finishRun(runId, jobid, 'f', 0.7, end)).toBe(true);
  const recorded = await runsOf(db, jobid);
  expect(recorded).toMatchObject([
    { jlgid: runId, jlgstatus: 'f', steps: [{ jslstatus: 'f', jslresult: -1, jsloutput: 'ERROR: boom' }] },
  ]);
  expect(await holder(jobid)).toBeNull();
  // A replay (the reply was lost): the job is no longer held, and no row changes.
  const again = { ...end, end: { ...end.end, status: 's' as const, output: 'other' } };
  expect(await store.finishRun(runId, jobid, 's', 0.9, again)).toBe(false);
  expect(await runsOf(db, jobid)).toEqual(recorded);
});

test('a run stopped before its first step: the step row the claim wrote is recorded aborted', async () => {
  const jobid = await createJob(db, { steps: [{ name: 'never', code: 'SELECT 1' }] });
  const runId = await claim(jobid);
  expect(await store.finishRun(runId, jobid, 'd', 0.1)).toBe(true);
  expect(await runsOf(db, jobid)).toMatchObject([{ jlgstatus: 'd', steps: [{ jslstatus: 'd' }] }]);
});

test('the take-over drops the rows of a claim whose reply was lost, and releases its job, still due', async () => {
  const jobid = await createJob(db, { steps: [{ name: 'lost', code: 'SELECT 1' }] });
  await claim(jobid);
  const [{ pid }] = await db.query<{ pid: number }>('SELECT jagpid AS pid FROM pgagent.pga_jobagent');
  const next = await db.connect();
  try {
    await registerAgent(clientDb(next), 'by hand', 60);
    expect(await takeOverJobs(clientDb(next), pid, [], true)).toEqual([]);
  } finally {
    await next.end();
  }
  expect(await runsOf(db, jobid)).toEqual([]);
  expect(await db.query('SELECT count(*)::int AS n FROM pgagent.pga_jobsteplog')).toEqual([{ n: 0 }]);
  const [job] = await db.query<{ jobagentid: unknown; due: boolean }>(
    'SELECT jobagentid, jobnextrun <= now() AS due FROM pgagent.pga_job WHERE jobid = $1',
    [jobid],
  );
  expect(job).toEqual({ jobagentid: null, due: true });
});

describe('run ends written together', () => {
  /** A store on the test's connection that also records what it sends. */
  function recordingStore(): { store: ReturnType<typeof runStore>; sent: string[] } {
    const sent: string[] = [];
    const recording = runStore(async (sql, params) => {
      sent.push(sql);
      const { rows, rowCount } = await client.query(sql, params);
      return { rows, rowCount: rowCount ?? 0 };
    }, claimed);
    return { store: recording, sent };
  }

  /** Claims n one-step jobs on the test's connection; their runs and first steps' rows are logged. */
  async function claimMany(n: number): Promise<{ jobid: number; runId: number; stepRunId: number }[]> {
    const jobids = await createJobs(db, n, { steps: [{ name: 'only', code: 'SELECT 1' }] });
    await runNow(db, ...jobids);
    expect((await claimDueJobs(clientDb(client), 'by hand', n, claimed, true)).length).toBe(n);
    const runs = [];
    for (const jobid of jobids) {
      const runId = (await store.startRun(jobid)) as number;
      const [step] = await store.steps(jobid);
      const logged = await store.startStep(runId, jobid, step.jstid);
      if (!('id' in logged)) throw new Error(`not logged: ${logged.missing}`);
      runs.push({ jobid, runId, stepRunId: logged.id });
    }
    return runs;
  }

  const stepEnd = (stepRunId: number, status: 's' | 'f', output: string) => ({
    stepRunId,
    end: { status, result: status === 's' ? 0 : -1, seconds: 0.2, output },
  });

  test('ends that come while one is written share one statement, each recorded as alone', async () => {
    const { store: recording, sent } = recordingStore();
    const [first, failed, stopped, lost, notLogged] = await claimMany(5);
    // Another agent's sweep released this one while it ran.
    await db.query('UPDATE pgagent.pga_job SET jobagentid = NULL WHERE jobid = $1', [lost.jobid]);
    const released = await Promise.all([
      recording.finishRun(first.runId, first.jobid, 's', 0.3, stepEnd(first.stepRunId, 's', 'one')),
      recording.finishRun(
        failed.runId,
        failed.jobid,
        'f',
        0.3,
        stepEnd(failed.stepRunId, 'f', 'ERROR: boom'),
      ),
      recording.finishRun(stopped.runId, stopped.jobid, 'd', 0.3),
      recording.finishRun(lost.runId, lost.jobid, 's', 0.3, stepEnd(lost.stepRunId, 's', 'late')),
      recording.finishRun(null, notLogged.jobid, 'i', 0.3),
      // The same end again (a job's second end waits for the next statement): no longer ours.
      recording.finishRun(failed.runId, failed.jobid, 's', 0.3, stepEnd(failed.stepRunId, 's', 'replay')),
    ]);
    expect(released).toEqual([true, true, true, false, true, false]);
    // The first alone, the next four together, the repeat alone.
    expect(sent.map((s) => (s === FINISH_RUNS ? 'together' : 'alone'))).toEqual([
      'alone',
      'together',
      'alone',
    ]);
    const recorded = async (jobid: number) =>
      (await runsOf(db, jobid)).map(({ jlgstatus, steps }) => ({ jlgstatus, steps }));
    const step = (jslstatus: string, jslresult: number | null, jsloutput: string | null) => [
      { jstname: 'only', jslstatus, jslresult, jsloutput },
    ];
    expect(await recorded(first.jobid)).toEqual([{ jlgstatus: 's', steps: step('s', 0, 'one') }]);
    expect(await recorded(failed.jobid)).toEqual([{ jlgstatus: 'f', steps: step('f', -1, 'ERROR: boom') }]);
    expect(await recorded(stopped.jobid)).toEqual([{ jlgstatus: 'd', steps: step('d', null, null) }]);
    // Its own rows are ended as alone; the job, no longer ours, is left as it is.
    expect(await recorded(lost.jobid)).toEqual([{ jlgstatus: 's', steps: step('s', 0, 'late') }]);
    // The claim's run of this job was never started: it stays running for the take-over to drop.
    expect((await recorded(notLogged.jobid)).map((r) => r.jlgstatus)).toEqual(['r']);
    for (const { jobid } of [first, failed, stopped, lost, notLogged]) expect(await holder(jobid)).toBeNull();
    const [{ durations }] = await db.query<{ durations: string[] }>(
      `SELECT array_agg(DISTINCT jlgduration::text) AS durations FROM pgagent.pga_joblog WHERE jlgstatus <> 'r'`,
    );
    expect(durations).toEqual(['00:00:00.3']);
  });

  test('a batch the server refuses is written end by end: one refused end costs the others nothing', async () => {
    const { store: recording, sent } = recordingStore();
    const [first, good, refused] = await claimMany(3);
    // A site's own check (here a trigger) refuses one run's end, and so the statement of all.
    await db.query(`
      CREATE FUNCTION refuse_output() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.jsloutput = 'refused' THEN RAISE EXCEPTION 'this output is not wanted here'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse BEFORE UPDATE ON pgagent.pga_jobsteplog FOR EACH ROW EXECUTE FUNCTION refuse_output();`);
    const ends = await Promise.allSettled([
      recording.finishRun(first.runId, first.jobid, 's', 0.1, stepEnd(first.stepRunId, 's', 'one')),
      recording.finishRun(good.runId, good.jobid, 's', 0.1, stepEnd(good.stepRunId, 's', 'fine')),
      recording.finishRun(refused.runId, refused.jobid, 's', 0.1, stepEnd(refused.stepRunId, 's', 'refused')),
    ]);
    expect(ends.map((e) => (e.status === 'fulfilled' ? e.value : String(e.reason)))).toEqual([
      true,
      true,
      'error: this output is not wanted here',
    ]);
    expect(sent.filter((s) => s === FINISH_RUNS)).toHaveLength(1);
    expect((await runsOf(db, good.jobid))[0]).toMatchObject({
      jlgstatus: 's',
      steps: [{ jsloutput: 'fine' }],
    });
    expect(await holder(good.jobid)).toBeNull();
    // Refused: nothing of it written, the job still ours (the runner writes it until it succeeds).
    expect((await runsOf(db, refused.jobid))[0]).toMatchObject({
      jlgstatus: 'r',
      steps: [{ jslstatus: 'r' }],
    });
    expect(await holder(refused.jobid)).not.toBeNull();
  });
});

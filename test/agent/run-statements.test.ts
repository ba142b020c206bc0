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
import { runStore } from '../../agent/sql/runs';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
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

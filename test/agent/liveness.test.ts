// Liveness by lease: an agent whose service connection is lost for a moment keeps its jobs
// (nobody takes it for dead while its lease runs); a frozen agent (SIGSTOP) loses them once its
// lease has run out twice over, its backends ended first; woken, it stops its copy and writes
// nothing over the new run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { runsOf, waitForRuns, waitForRunningStep } from '../helpers/runs';
import { waitFor } from '../helpers/wait';

const dbs: TestDatabase[] = [];
const stopped: AgentProcess[] = [];
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-agent-liveness-'));
});

afterAll(async () => {
  for (const a of stopped) a.signal('SIGCONT');
  await stopAllAgents();
  for (const db of dbs) await db.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  dbs.push(db);
  return db;
}

const holder = async (db: TestDatabase, jobid: number): Promise<number | null> =>
  (
    await db.query<{ jobagentid: number | null }>('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [
      jobid,
    ])
  )[0].jobagentid;

const agentPid = async (db: TestDatabase, station: string): Promise<number> =>
  (
    await db.query<{ jagpid: number }>('SELECT jagpid FROM pgagent.pga_jobagent WHERE jagstation = $1', [
      station,
    ])
  )[0].jagpid;

test('a lost service connection: the other agent does not take the job, its agent keeps it, it runs once', async () => {
  const db = await database();
  const counter = path.join(tmp, 'kept');
  // Anyone may run it: only the lease keeps b from taking it.
  const jobid = await createJob(db, {
    steps: [{ kind: 'b', code: `echo run >> ${counter}\nsleep 10\necho finished` }],
  });
  const a = startAgent(db.conninfo, ['--hostname', 'a', '-r', '10']);
  await a.waitForLog(/pgagent started/);
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  const b = startAgent(db.conninfo, ['--hostname', 'b', '-r', '10']);
  await b.waitForLog(/pgagent started/);
  const before = await agentPid(db, 'a');
  expect(await holder(db, jobid)).toBe(before);
  await db.query('SELECT pg_terminate_backend($1)', [before]);
  await a.waitForLog(/registered again as agent pid \d+ \(was \d+\); kept 1 running job\(s\)/);
  const runs = await waitForRuns(db, jobid, 1, 60_000);
  expect(runs).toMatchObject([{ jlgstatus: 's', steps: [{ jslstatus: 's', jsloutput: 'finished\n' }] }]);
  expect(fs.readFileSync(counter, 'utf8')).toBe('run\n');
  expect(b.log).not.toMatch(/cleared dead agent/);
  expect(a.log).not.toMatch(/stopping them|stopped, not recorded/);
  expect((await a.stop()).code).toBe(0);
  expect((await b.stop()).code).toBe(0);
}, 90_000);

test('a frozen agent: its job is freed after its lease, its SQL step ended first; woken, it stops its copy and writes nothing', async () => {
  const db = await database();
  // The step names its connection as the agent names step connections ("pgagent job <jobid>
  // run <jlgid> db <oid>") and sleeps only on the job's first run.
  const jobid = await createJob(db, {
    steps: [
      {
        code: `SELECT set_config('application_name', 'pgagent job ' || jlgjobid || ' run ' || jlgid || ' db ' ||
                   (SELECT oid FROM pg_database WHERE datname = current_database()), false)
                 FROM pgagent.pga_joblog WHERE jlgstatus = 'r';
               SELECT pg_sleep(CASE WHEN (SELECT count(*) FROM pgagent.pga_joblog) = 1 THEN 600 ELSE 0 END)`,
      },
    ],
  });
  const a = startAgent(db.conninfo, ['--hostname', 'a', '-r', '10']);
  await a.waitForLog(/pgagent started/);
  await runNow(db, jobid);
  let stepPid = 0;
  await waitFor(
    async () => {
      const rows = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'pgagent job % run % db %' AND query LIKE '%pg_sleep%' AND datname = current_database()",
      );
      stepPid = rows[0]?.pid ?? 0;
      return rows.length === 1;
    },
    { what: 'the first run to sleep' },
  );
  const b = startAgent(db.conninfo, ['--hostname', 'b', '-r', '10']);
  await b.waitForLog(/pgagent started/);
  const frozenPid = await agentPid(db, 'a');

  a.signal('SIGSTOP');
  stopped.push(a);
  await b.waitForLog(
    /cleared dead agent pid \d+ on station "a": 1 running job\(s\) recorded aborted, 1 job\(s\) released, 2 backend\(s\) ended/,
    90_000,
  );
  // The sweep waits for the backends it ends: both are gone before the job can run again.
  expect(
    await db.query('SELECT pid FROM pg_stat_activity WHERE pid = ANY($1)', [[stepPid, frozenPid]]),
  ).toEqual([]);
  const [first] = await runsOf(db, jobid);
  expect(first).toMatchObject({ jlgstatus: 'd', steps: [{ jslstatus: 'd', jsloutput: null }] });

  await runNow(db, jobid);
  const runs = await waitForRuns(db, jobid, 2, 60_000);
  expect(runs.map((r) => r.jlgstatus)).toEqual(['d', 's']);

  a.signal('SIGCONT');
  await a.waitForLog(
    /job\(s\) \d+ were recorded aborted by another agent while this agent was away; stopping them/,
    60_000,
  );
  await a.waitForLog(/run \d+ stopped, not recorded/, 60_000);
  expect(await runsOf(db, jobid)).toEqual(runs);
  expect(await holder(db, jobid)).toBeNull();
  expect(
    (await db.query('SELECT jagstation FROM pgagent.pga_jobagent ORDER BY 1')).map((r) => r.jagstation),
  ).toEqual(['a', 'b']);
  expect((await a.stop()).code).toBe(0);
  expect((await b.stop()).code).toBe(0);
}, 180_000);

test('idle_session_timeout shorter than the poll interval: the agent keeps its session (and its pid)', async () => {
  const db = await database();
  await db.query(`ALTER DATABASE ${db.name} SET idle_session_timeout = '1500ms'`);
  const a = startAgent(db.conninfo, ['--hostname', 'a', '-t', '5']);
  await a.waitForLog(/pgagent started/);
  const pid = await agentPid(db, 'a');
  // Three poll intervals, each longer than the timeout: every one would have ended the session.
  await new Promise((r) => setTimeout(r, 15_000));
  expect(a.log).not.toMatch(/lost the connection/);
  expect(await agentPid(db, 'a')).toBe(pid);
  const jobid = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
  await runNow(db, jobid);
  expect((await waitForRuns(db, jobid)).map((r) => r.jlgstatus)).toEqual(['s']);
  expect((await a.stop()).code).toBe(0);
}, 90_000);

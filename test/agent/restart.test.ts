// PostgreSQL restarts under a running agent. These run on a cluster of their own (the run's
// shared cluster serves every other test file at the same time), destroyed afterwards;
// synchronous_commit stays on, so a crash restart loses no commit the test or the agent was told of.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cluster, startCluster } from '../../scripts/cluster';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { clusterJobDb, createJob, JobDb, runNow } from '../helpers/jobs';
import { stepBackendPid, waitForRuns, waitForRunningStep } from '../helpers/runs';
import { processAlive } from '../../scripts/cluster';

const DB = 'restarts';
let cluster: Cluster;
let db: JobDb;
let agent: AgentProcess;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-agent-restart-'));
  cluster = await startCluster({ prefix: CLUSTER_PREFIX, settings: { synchronous_commit: 'on' } });
  cluster.psql(`CREATE DATABASE ${DB}`);
  cluster.psql('CREATE EXTENSION pgagent', DB);
  db = clusterJobDb(cluster, DB);

  agent = startAgent(cluster.conninfo(DB), ['-r', '10']);
  await agent.waitForLog(/pgagent started/);
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  cluster?.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const agentRows = (): Promise<Record<string, unknown>[]> =>
  db.query('SELECT jagpid FROM pgagent.pga_jobagent');

test('a restart while a job runs: the step finishes, its results are written once after the reconnect', async () => {
  const counter = path.join(tmp, 'count');
  // The step ends when the test says so (not after a fixed time): after the reconnect.
  const go = path.join(tmp, 'go');
  const jobid = await createJob(db, {
    steps: [
      { kind: 'b', code: `echo run >> ${counter}\nwhile [ ! -e ${go} ]; do sleep 0.1; done\necho finished` },
    ],
  });
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  const [before] = await agentRows();
  cluster.restart();
  await agent.waitForLog(/lost the connection to the service database/);
  await agent.waitForLog(/registered again as agent pid \d+ \(was \d+\); kept 1 running job\(s\)/, 60_000);
  fs.writeFileSync(go, '');
  const runs = await waitForRuns(db, jobid);
  expect(runs).toHaveLength(1);
  expect(runs[0].jlgstatus).toBe('s');
  expect(runs[0].steps).toMatchObject([{ jslstatus: 's', jslresult: 0, jsloutput: 'finished\n' }]);
  expect(fs.readFileSync(counter, 'utf8')).toBe('run\n');
  const after = await agentRows();
  expect(after).toHaveLength(1);
  expect(after[0].jagpid).not.toBe(before.jagpid);
}, 90_000);

test("kill -9 of an SQL step's backend (the server then restarts every backend): the run is recorded failed, the agent runs the next job", async () => {
  const jobid = await createJob(db, { steps: [{ code: 'SELECT pg_sleep(600)' }] });
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  const stepPid = await stepBackendPid(db, jobid);
  const reconnects = (agent.log.match(/registered again/g) ?? []).length;
  // The server sends no error message: the step's connection just ends, and so does every other.
  process.kill(stepPid, 'SIGKILL');
  await agent.waitForLog(new RegExp(`(registered again[^]*){${reconnects + 1}}`), 60_000);
  const [run] = await waitForRuns(db, jobid, 1, 60_000);
  expect(run).toMatchObject({ jlgstatus: 'f', steps: [{ jslstatus: 'f', jslresult: -1 }] });
  expect(run.steps[0].jsloutput).toMatch(/connection to the server was lost while the step ran/);
  expect(processAlive(agent.pid)).toBe(true);
  const next = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
  await runNow(db, next);
  expect((await waitForRuns(db, next, 1, 60_000)).map((r) => r.jlgstatus)).toEqual(['s']);
}, 90_000);

test('a restart while idle: the agent reconnects and runs the next job', async () => {
  const reconnects = (agent.log.match(/registered again/g) ?? []).length;
  cluster.restart();
  await agent.waitForLog(new RegExp(`(registered again[^]*){${reconnects + 1}}`), 60_000);
  const jobid = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
  await runNow(db, jobid);
  const runs = await waitForRuns(db, jobid);
  expect(runs.map((r) => r.jlgstatus)).toEqual(['s']);
  expect(await agentRows()).toHaveLength(1);
  expect((await agent.stop()).code).toBe(0);
}, 90_000);

test('pg_ctl restart -m fast beside agents at different -r: each keeps its running job, none is swept', async () => {
  const started = ['quick', 'slow'].map((station) =>
    startAgent(cluster.conninfo(DB), ['--hostname', station, '-r', station === 'quick' ? '10' : '30']),
  );
  const [quick, slow] = started;
  await Promise.all(started.map((a) => a.waitForLog(/pgagent started/)));
  const jobs = await Promise.all(
    ['quick', 'slow'].map((station) =>
      createJob(db, { hostagent: station, steps: [{ kind: 'b', code: 'sleep 15\necho finished' }] }),
    ),
  );
  await runNow(db, ...jobs);
  for (const jobid of jobs) await waitForRunningStep(db, jobid);
  cluster.restart();
  for (const jobid of jobs) {
    const runs = await waitForRuns(db, jobid, 1, 60_000);
    expect(runs).toMatchObject([{ jlgstatus: 's', steps: [{ jslstatus: 's', jsloutput: 'finished\n' }] }]);
  }
  for (const a of started) {
    expect(a.log).toMatch(/kept 1 running job\(s\)/);
    expect(a.log).not.toMatch(/cleared dead agent|stopping them/);
  }
  expect((await quick.stop()).code).toBe(0);
  expect((await slow.stop()).code).toBe(0);
}, 120_000);

test('a server not up yet at start: the agent waits for it instead of exiting', async () => {
  cluster.stop();
  const late = startAgent(cluster.conninfo(DB), ['-r', '10']);
  await late.waitForLog(/could not connect to the service database: [^]*; retrying every 10 s/);
  cluster.start();
  await late.waitForLog(/pgagent started/, 60_000);
  expect((await late.stop()).code).toBe(0);
}, 90_000);

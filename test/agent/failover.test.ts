// A primary and a real streaming replica (pg_basebackup -R). On the standby the agent runs
// nothing and says so once; when the primary stops and the standby is promoted, agents follow
// it within one -r, the run in flight of an agent that cannot follow is recorded aborted once
// its lease has run out, and the next due job runs once.
import { Cluster, startCluster } from '../../scripts/cluster';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { clusterJobDb, createJob, runNow } from '../helpers/jobs';
import { promote, startStandby } from '../helpers/replica';
import { runsOf, waitForRuns, waitForRunningStep } from '../helpers/runs';
import { waitFor } from '../helpers/wait';

const DB = 'ha';
let primary: Cluster;
let standby: Cluster;

beforeAll(async () => {
  primary = await startCluster({ prefix: CLUSTER_PREFIX });
  primary.psql(`CREATE DATABASE ${DB}`);
  primary.psql('CREATE EXTENSION pgagent', DB);
  standby = await startStandby(primary);
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  primary?.destroy();
  standby?.destroy();
});

const started = (a: AgentProcess): Promise<RegExpMatchArray> => a.waitForLog(/pgagent started/, 60_000);

test("standby, then failover: agents follow the promoted standby, the lost agent's run is recorded aborted, the next job runs once", async () => {
  const onPrimary = clusterJobDb(primary, DB);
  const onStandby = clusterJobDb(standby, DB);
  const both = `host=${primary.socketDir},${standby.socketDir} port=${primary.port},${standby.port} user=${primary.user} dbname=${DB}`;
  // a: either server, the primary first; w: only the standby; old: only the old primary.
  const waiting = startAgent(standby.conninfo(DB), ['--hostname', 'w', '-r', '10']);
  await waiting.waitForLog(/the server is a standby \(in recovery\): this agent runs nothing/);
  // -r 20: a's lease (22 s) outlasts its reconnect's back-off by far, so nobody sweeps it meanwhile.
  const a = startAgent(both, ['--hostname', 'a', '-r', '20']);
  const old = startAgent(primary.conninfo(DB), ['--hostname', 'old', '-r', '10']);
  await Promise.all([a, old].map(started));
  const kept = await createJob(onPrimary, {
    hostagent: 'a',
    steps: [{ kind: 'b', code: 'sleep 8\necho finished' }],
  });
  const stranded = await createJob(onPrimary, { hostagent: 'old', steps: [{ kind: 'b', code: 'sleep 8' }] });
  await runNow(onPrimary, kept, stranded);
  for (const jobid of [kept, stranded]) await waitForRunningStep(onPrimary, jobid);
  // Both runs have reached the standby.
  for (const jobid of [kept, stranded]) await waitForRunningStep(onStandby, jobid);

  const t0 = Date.now();
  const at = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const timeline: string[] = [];
  primary.stop('fast');
  timeline.push(`primary stopped at ${at()}`);
  promote(standby);
  timeline.push(`standby promoted at ${at()}`);
  await a.waitForLog(/registered again as agent pid \d+ \(was \d+\); kept 1 running job\(s\)/, 60_000);
  timeline.push(`a registered on the new primary at ${at()}`);
  await started(waiting);
  timeline.push(`w registered at ${at()}`);

  const [keptRun] = await waitForRuns(onStandby, kept, 1, 60_000);
  expect(keptRun).toMatchObject({ jlgstatus: 's', steps: [{ jslstatus: 's', jsloutput: 'finished\n' }] });
  // The agent that cannot reach the new primary is cleared once its lease has run out.
  const [strandedRun] = await waitForRuns(onStandby, stranded, 1, 60_000);
  expect(strandedRun).toMatchObject({ jlgstatus: 'd', steps: [{ jslstatus: 'd' }] });
  timeline.push(`old agent's run recorded aborted at ${at()}`);
  await waitFor(
    async () =>
      (await onStandby.query("SELECT 1 FROM pgagent.pga_jobagent WHERE jagstation = 'old'")).length === 0,
    {
      what: "the old primary's agent row to be cleared",
    },
  );

  const next = await createJob(onStandby, { steps: [{ code: 'SELECT 1' }] });
  await runNow(onStandby, next);
  const runs = await waitForRuns(onStandby, next, 1, 60_000);
  timeline.push(`next job ran at ${at()}`);
  expect(runs.map((r) => r.jlgstatus)).toEqual(['s']);
  expect(await runsOf(onStandby, next)).toHaveLength(1);
  // "Says so once": one error line for the standby, however many retries.
  expect(waiting.log.split('\n').filter((l) => / ERROR .*is a standby/.test(l))).toHaveLength(1);
  console.log(`failover timeline: ${timeline.join('; ')}`);
  for (const x of [a, waiting]) expect((await x.stop()).code).toBe(0);
}, 240_000);

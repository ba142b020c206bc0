// Two agents share many short batch jobs while one agent's service connection is terminated
// every few seconds and the server is restarted (-m fast, then -m immediate): every job runs
// exactly once, none is aborted, both agents stay alive. The suite runs a small version;
// PGAGENT_SOAK=full runs the full one (500 jobs of 5 s, a termination every 7 s) and prints
// its figures. On a cluster of its own (it is restarted); synchronous_commit stays on, so a
// crash loses no commit an agent was told of.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { Cluster, processAlive, startCluster } from '../../scripts/cluster';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { waitFor } from '../helpers/wait';

const FULL = process.env.PGAGENT_SOAK === 'full';
const JOBS = FULL ? 500 : 60;
const JOB_SECONDS = FULL ? 5 : 1;
const TERMINATE_EVERY_MS = FULL ? 7_000 : 3_000;
/** Due times are spread over this span, so the chaos meets jobs at every stage. */
const SPREAD_S = FULL ? 240 : 30;
const MAX_JOBS = FULL ? 12 : 4;
const DB = 'soak';

let cluster: Cluster;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-agent-soak-'));
  cluster = await startCluster({ prefix: CLUSTER_PREFIX, settings: { synchronous_commit: 'on' } });
  cluster.psql(`CREATE DATABASE ${DB}`);
  cluster.psql('CREATE EXTENSION pgagent', DB);
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  cluster?.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** One statement on a short-lived connection; undefined while the server is down. */
async function tryQuery(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[] | undefined> {
  const c = new Client(cluster.clientConfig(DB));
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.query(sql, params)).rows;
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => {});
  }
}

test(
  `${JOBS} batch jobs of ${JOB_SECONDS} s, two agents, terminations and restarts: every job exactly once`,
  async () => {
    const ran = path.join(tmp, 'ran');
    await tryQuery(
      `WITH jobs AS (
       INSERT INTO pgagent.pga_job (jobjclid, jobname) SELECT 1, 'soak ' || i FROM generate_series(1, $1) i RETURNING jobid)
     INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode)
     SELECT jobid, 'step', 'b', format(E'echo %s >> %s\\nsleep %s', jobid, $2::text, $3::int) FROM jobs`,
      [JOBS, ran, JOB_SECONDS],
    );
    const agents = ['one', 'two'].map((h) =>
      startAgent(cluster.conninfo(DB), ['--hostname', h, '-r', '10', '--max-jobs', String(MAX_JOBS)]),
    );
    await Promise.all(agents.map((a) => a.waitForLog(/pgagent started/)));
    const t0 = Date.now();
    await tryQuery(
      'UPDATE pgagent.pga_job SET jobnextrun = now() + make_interval(secs => $1 * jobid / (SELECT max(jobid) FROM pgagent.pga_job))',
      [SPREAD_S],
    );

    let terminations = 0;
    const restarts: string[] = [];
    const finished = async (): Promise<boolean> => {
      const rows = await tryQuery("SELECT count(*)::int AS n FROM pgagent.pga_joblog WHERE jlgstatus <> 'r'");
      return (rows?.[0].n as number) >= JOBS;
    };
    let done = false;
    const chaos = (async () => {
      let last = Date.now();
      while (!done) {
        await new Promise((r) => setTimeout(r, 200));
        const elapsed = (Date.now() - t0) / 1000;
        if (restarts.length === 0 && elapsed > SPREAD_S / 3) {
          cluster.stop('fast');
          cluster.start();
          restarts.push(`fast at ${elapsed.toFixed(1)} s`);
        } else if (restarts.length === 1 && elapsed > (2 * SPREAD_S) / 3) {
          cluster.stop('immediate');
          cluster.start();
          restarts.push(`immediate at ${elapsed.toFixed(1)} s`);
        } else if (Date.now() - last >= TERMINATE_EVERY_MS) {
          last = Date.now();
          const rows = await tryQuery(
            "SELECT pg_terminate_backend(jagpid) AS t FROM pgagent.pga_jobagent WHERE jagstation = 'one'",
          );
          if (rows?.[0]?.t) terminations++;
        }
      }
    })();
    try {
      await waitFor(finished, {
        timeoutMs: (SPREAD_S + (JOBS * JOB_SECONDS) / MAX_JOBS + 120) * 1000,
        what: `${JOBS} finished runs`,
      });
    } finally {
      done = true;
      await chaos;
    }
    const seconds = (Date.now() - t0) / 1000;
    await waitFor(
      async () =>
        (await tryQuery('SELECT 1 FROM pgagent.pga_job WHERE jobagentid IS NOT NULL'))?.length === 0,
      { what: 'every job released' },
    );

    const lines = fs.readFileSync(ran, 'utf8').trim().split('\n');
    const [counts] = (await tryQuery(`
    SELECT (SELECT count(*)::int FROM pgagent.pga_joblog) AS runs,
           (SELECT count(DISTINCT jlgjobid)::int FROM pgagent.pga_joblog) AS jobs,
           (SELECT count(*)::int FROM pgagent.pga_joblog WHERE jlgstatus = 's') AS succeeded,
           (SELECT count(*)::int FROM pgagent.pga_jobagent) AS agents`))!;
    console.log(
      `soak: ${JOBS} jobs of ${JOB_SECONDS} s in ${seconds.toFixed(1)} s; ${terminations} terminations of agent one, restarts ${restarts.join(', ')}; ` +
        `runs ${counts.runs}, succeeded ${counts.succeeded}, script runs ${lines.length}`,
    );
    expect(restarts).toHaveLength(2);
    expect(terminations).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(JOBS);
    expect(lines).toHaveLength(JOBS);
    expect(counts).toEqual({ runs: JOBS, jobs: JOBS, succeeded: JOBS, agents: 2 });
    for (const a of agents) {
      expect(processAlive(a.pid)).toBe(true);
      expect(a.log).not.toMatch(/cleared dead agent/);
    }
    for (const a of agents) expect((await a.stop()).code).toBe(0);
  },
  FULL ? 1_800_000 : 240_000,
);

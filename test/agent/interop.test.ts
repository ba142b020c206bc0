// Our agent beside pgAgent 4.2's own (the C++ `pgagent` of Debian's package) on one database.
// scripts/test.sh fetches that binary and names it in PGAGENT_CPP_BINARY; run without it (plain
// `npx jest`), these tests are skipped unless /usr/bin/pgagent exists.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { runsOf, waitForRunningStep } from '../helpers/runs';
import { waitFor } from '../helpers/wait';

const CPP_AGENT = process.env.PGAGENT_CPP_BINARY ?? '/usr/bin/pgagent';
const maybe = process.env.PGAGENT_CPP_BINARY || fs.existsSync(CPP_AGENT) ? describe : describe.skip;

const children: ChildProcess[] = [];
const dbs: TestDatabase[] = [];

/** pgAgent 4.2 in the foreground, polling every second; its station is this host's name. */
function startCppAgent(conninfo: string): ChildProcess {
  const child = spawn(CPP_AGENT, ['-f', '-t', '1', '-l', '1', ...conninfo.split(' ')], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  dbs.push(db);
  return db;
}

const registered = async (db: TestDatabase, n: number): Promise<void> =>
  waitFor(async () => (await db.query('SELECT 1 FROM pgagent.pga_jobagent')).length === n, {
    what: `${n} registered agents`,
  });

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await stopAllAgents();
  for (const db of dbs) await db.drop();
});

maybe('beside pgAgent 4.2', () => {
  // pgAgent 4.2 claims a job it listed as due with `UPDATE ... WHERE jobagentid IS NULL AND
  // jobid = ?`, without checking it is still due. Extension 4.3's claim guard makes that claim a
  // no-op once we have run and released the job, so every job runs exactly once whoever runs it.
  // Who wins the shared jobs is a race (we pick up on NOTIFY, pgAgent 4.2 on its poll), so ten
  // jobs are pinned to each agent's station: both must claim and run, whatever the race does.
  test('100 due jobs shared with pgAgent 4.2: every job runs exactly once, and every run is logged', async () => {
    const db = await database();
    await db.query(
      'CREATE TABLE public.ran (jobid int, agent text, at timestamptz DEFAULT clock_timestamp())',
    );
    await db.query(
      `WITH jobs AS (
         INSERT INTO pgagent.pga_job (jobjclid, jobname, jobhostagent)
         SELECT 1, 'bulk ' || i, CASE WHEN i <= 10 THEN $1 WHEN i <= 20 THEN 'ours' ELSE '' END
           FROM generate_series(1, 100) i RETURNING jobid)
       INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstdbname, jstcode)
       SELECT jobid, 'step', 's', current_database(),
              format('SELECT pg_sleep(0.02); INSERT INTO public.ran VALUES (%s, CASE WHEN current_setting(''application_name'') LIKE ''pgagent job %%'' THEN ''ours'' ELSE ''upstream '' || current_setting(''application_name'') END)', jobid)
         FROM jobs`,
      [os.hostname()],
    );
    const ours = startAgent(db.conninfo, ['--hostname', 'ours', '--max-jobs', '5']);
    const theirs = startCppAgent(db.conninfo);
    await registered(db, 2);
    await db.query('UPDATE pgagent.pga_job SET jobnextrun = now()');
    const finished = async (): Promise<boolean> => {
      const [c] = await db.query<{ n: number }>(
        `SELECT count(DISTINCT jlgjobid)::int AS n FROM pgagent.pga_joblog WHERE jlgstatus <> 'r'`,
      );
      const held = await db.query('SELECT 1 FROM pgagent.pga_job WHERE jobagentid IS NOT NULL');
      return c.n === 100 && held.length === 0;
    };
    await waitFor(finished, { timeoutMs: 90_000, what: 'every job run and released' });
    expect((await ours.stop()).code).toBe(0);
    theirs.kill('SIGTERM');
    const [counts] = await db.query(`
      SELECT (SELECT count(DISTINCT jobid)::int FROM public.ran) AS jobs,
             (SELECT count(*)::int - count(DISTINCT jobid)::int FROM public.ran) AS twice,
             (SELECT count(*)::int FROM public.ran) - (SELECT count(*)::int FROM pgagent.pga_joblog WHERE jlgstatus = 's') AS unlogged`);
    expect(counts).toEqual({ jobs: 100, twice: 0, unlogged: 0 });
    // Each agent ran the jobs pinned to its station, and the two are told apart by their steps'
    // application_name (ours names each step's connection `pgagent job N run M`).
    const pinned = await db.query<{ station: string; agents: string[] }>(
      `SELECT jobhostagent AS station, array_agg(DISTINCT agent) AS agents
         FROM public.ran JOIN pgagent.pga_job USING (jobid) WHERE jobhostagent <> '' GROUP BY 1 ORDER BY jobhostagent = 'ours'`,
    );
    expect(pinned.map((p) => p.agents.length)).toEqual([1, 1]);
    expect(pinned[0].agents[0]).not.toBe(pinned[1].agents[0]);
  }, 120_000);

  test('each clears the other as a dead agent after kill -9 mid-job', async () => {
    const db = await database();
    // pgAgent 4.2 killed mid-job: we record its run aborted.
    const cppJob = await createJob(db, {
      hostagent: os.hostname(),
      steps: [{ code: 'SELECT pg_sleep(600)' }],
    });
    const theirs = startCppAgent(db.conninfo);
    const ours = startAgent(db.conninfo, ['--hostname', 'ours']);
    await registered(db, 2);
    await runNow(db, cppJob);
    await waitForRunningStep(db, cppJob);
    theirs.kill('SIGKILL');
    await ours.waitForLog(
      /cleared dead agent pid \d+ on station "[^"]+": 1 running job\(s\) recorded aborted/,
    );
    expect(await runsOf(db, cppJob)).toMatchObject([{ jlgstatus: 'd', steps: [{ jslstatus: 'd' }] }]);

    // We are killed mid-job: pgAgent 4.2 clears zombies when it starts, and records ours aborted.
    // (The script outlives us, and removes its directory, which we cannot do any more.)
    const ourJob = await createJob(db, {
      hostagent: 'ours',
      steps: [{ kind: 'b', code: `trap 'rm -rf "$PWD"' EXIT\nsleep 2` }],
    });
    await runNow(db, ourJob);
    await waitForRunningStep(db, ourJob);
    await ours.stop('SIGKILL');
    startCppAgent(db.conninfo);
    await waitFor(async () => (await runsOf(db, ourJob))[0]?.jlgstatus === 'd', {
      what: "pgAgent 4.2 to abort our agent's run",
    });
    expect(await runsOf(db, ourJob)).toMatchObject([{ jlgstatus: 'd', steps: [{ jslstatus: 'd' }] }]);
    expect(await db.query('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [ourJob])).toEqual([
      { jobagentid: null },
    ]);
    await db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()",
    );
  });
});

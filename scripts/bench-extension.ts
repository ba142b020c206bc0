// Figures for the extension at scale, 4.2 against 4.3: 100,000 jobs and about 2 million log
// rows; the agents' due-job query, deleting a job (cascading to its steps and logs) and
// deleting a step. Server-side times from EXPLAIN ANALYZE, deletes rolled back and repeated.
// Standalone: `npm run build && node dist/scripts/bench-extension.js` (the extension must be
// installed: `make install`); it runs its own scratch cluster and removes it afterwards.
import { Client } from 'pg';
import { Cluster, withScratchCluster } from './cluster';

/** The agents' query for due jobs; $1 is the agent's host name. */
export const DUE_JOBS_SQL = `SELECT jobid FROM pgagent.pga_job
 WHERE jobenabled AND jobagentid IS NULL AND jobnextrun <= now() AND (jobhostagent = '' OR jobhostagent = $1)
 ORDER BY jobnextrun LIMIT 10`;

export interface LoadSizes {
  jobs: number;
  /** The first this many jobs get one step and `runs` runs (a joblog and a jobsteplog row each). */
  jobsWithHistory: number;
  runs: number;
}

/**
 * Bulk-loads jobs and history, then ANALYZEs. One job in ten is disabled and one in a hundred
 * is due. Foreign key triggers are skipped while loading (the rows are consistent by construction).
 */
export async function loadJobs(client: Client, sizes: LoadSizes): Promise<void> {
  await client.query('SET session_replication_role = replica');
  try {
    await client.query(
      `INSERT INTO pgagent.pga_job (jobjclid, jobname, jobenabled, jobnextrun)
       SELECT 1, 'job ' || i, i % 10 <> 0, now() + (i - $1::int / 100) * interval '1 minute'
         FROM generate_series(1, $1::int) AS i`,
      [sizes.jobs],
    );
    await client.query(
      `INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname)
       SELECT jobid, 'step', 's', 'SELECT 1', 'postgres' FROM pgagent.pga_job ORDER BY jobid LIMIT $1`,
      [sizes.jobsWithHistory],
    );
    await client.query(
      `INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgstart, jlgduration)
       SELECT jstjobid, 's', now() - r * interval '1 hour', '1 second'
         FROM pgagent.pga_jobstep, generate_series(1, $1::int) AS r`,
      [sizes.runs],
    );
    await client.query(
      `INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jslstart, jslduration, jsloutput)
       SELECT jlgid, jstid, 's', 1, jlgstart, '1 second', '' FROM pgagent.pga_joblog JOIN pgagent.pga_jobstep ON jstjobid = jlgjobid`,
    );
  } finally {
    await client.query('RESET session_replication_role');
  }
  await client.query('ANALYZE');
}

/** Median server time in ms of `sql` over `times` runs, each rolled back. */
async function serverMs(client: Client, sql: string, times: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`);
    await client.query('ROLLBACK');
    ms.push(rows[0]['QUERY PLAN'][0]['Execution Time']);
  }
  ms.sort((a, b) => a - b);
  return Math.round(ms[Math.floor(ms.length / 2)] * 100) / 100;
}

export const BENCH_SIZES: LoadSizes = { jobs: 100_000, jobsWithHistory: 1_000, runs: 1_000 };

export async function benchExtension(cluster: Cluster, sizes: LoadSizes = BENCH_SIZES): Promise<object> {
  const figures: Record<string, object> = {};
  for (const version of ['4.2', '4.3']) {
    const dbname = `bench_ext_${version.replace('.', '_')}`;
    cluster.psql(`DROP DATABASE IF EXISTS ${dbname}`);
    cluster.psql(`CREATE DATABASE ${dbname}`);
    const client = new Client(cluster.clientConfig(dbname));
    await client.connect();
    try {
      await client.query(`CREATE EXTENSION pgagent VERSION '${version}'`);
      await loadJobs(client, sizes);
      const due = DUE_JOBS_SQL.replace('$1', "'host1'");
      // A job and a step with history, from the middle of the loaded range.
      const { rows } = await client.query(
        'SELECT jstjobid, jstid FROM pgagent.pga_jobstep ORDER BY jstid OFFSET $1 LIMIT 1',
        [Math.floor(sizes.jobsWithHistory / 2)],
      );
      figures[version] = {
        dueQueryMs: await serverMs(client, due, 21),
        jobDeleteMs: await serverMs(
          client,
          `DELETE FROM pgagent.pga_job WHERE jobid = ${rows[0].jstjobid}`,
          3,
        ),
        stepDeleteMs: await serverMs(
          client,
          `DELETE FROM pgagent.pga_jobstep WHERE jstid = ${rows[0].jstid}`,
          3,
        ),
      };
    } finally {
      await client.end();
      cluster.psql(`DROP DATABASE ${dbname}`);
    }
  }
  return { jobs: sizes.jobs, logRows: 2 * sizes.jobsWithHistory * sizes.runs, ...figures };
}

async function main(): Promise<void> {
  const figures = await withScratchCluster(
    { prefix: 'pgagent-extbench-', settings: { shared_buffers: '256MB' } },
    benchExtension,
  );
  console.log(JSON.stringify(figures, null, 2));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

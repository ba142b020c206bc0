// Jobs for the agent's tests, written as pgAdmin writes them, and their runs as the agent logs them.
import { Client } from 'pg';
import { Cluster } from '../../scripts/cluster';
import { TestDatabase } from '../helpers/db';
import { waitFor } from '../helpers/wait';

/** What the fixtures need of a database: a TestDatabase, or one on a test's own cluster. */
export type JobDb = Pick<TestDatabase, 'name' | 'connect' | 'query'>;

/** Database name on a test's own cluster, as a JobDb. */
export function clusterJobDb(cluster: Cluster, name: string): JobDb {
  const connect = async (): Promise<Client> => {
    const c = new Client(cluster.clientConfig(name));
    await c.connect();
    return c;
  };
  return {
    name,
    connect,
    query: async (sql, params) => {
      const c = await connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
  };
}

export interface StepSpec {
  code: string;
  kind?: 's' | 'b';
  /** Steps run in order of name; the default names keep the order given. */
  name?: string;
  /** SQL steps: the database on the agent's server (default: the test database). */
  dbname?: string;
  /** SQL steps: a connection string instead of dbname. */
  connstr?: string;
  onerror?: 'f' | 's' | 'i';
  enabled?: boolean;
}

export interface JobSpec {
  name?: string;
  hostagent?: string;
  steps?: StepSpec[];
  /** Also give the job an every-minute schedule (otherwise it only runs when made due). */
  everyMinute?: boolean;
}

/** Creates the job; it is not due until runNow(). */
export async function createJob(db: JobDb, spec: JobSpec = {}): Promise<number> {
  const client = await db.connect();
  try {
    const jobid = (
      await client.query(
        `INSERT INTO pgagent.pga_job (jobjclid, jobname, jobhostagent)
         SELECT jclid, $1, $2 FROM pgagent.pga_jobclass WHERE jclname = 'Miscellaneous' RETURNING jobid`,
        [spec.name ?? 'test job', spec.hostagent ?? ''],
      )
    ).rows[0].jobid as number;
    for (const [i, s] of (spec.steps ?? []).entries()) {
      const kind = s.kind ?? 's';
      const dbname = kind === 's' && !s.connstr ? (s.dbname ?? db.name) : '';
      await client.query(
        `INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname, jstconnstr, jstonerror, jstenabled)
         VALUES ($1, $2, $3::character(1), $4, $5::name, $6, $7::character(1), $8)`,
        [
          jobid,
          s.name ?? `step ${String(i + 1).padStart(2, '0')}`,
          kind,
          s.code,
          dbname,
          s.connstr ?? '',
          s.onerror ?? 'f',
          s.enabled ?? true,
        ],
      );
    }
    if (spec.everyMinute) {
      await client.query("INSERT INTO pgagent.pga_schedule (jscjobid, jscname) VALUES ($1, 'every minute')", [
        jobid,
      ]);
    }
    return jobid;
  } finally {
    await client.end();
  }
}

/** pgAdmin's "Run now". */
export async function runNow(db: JobDb, ...jobids: number[]): Promise<void> {
  await db.query('UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = ANY($1)', [jobids]);
}

export type StepRun = {
  jstname: string;
  jslstatus: string;
  jslresult: number | null;
  jsloutput: string | null;
};

export type Run = {
  jlgid: number;
  jlgstatus: string;
  jlgduration: unknown;
  steps: StepRun[];
};

/** The job's runs, oldest first, each with its step runs in the order they ran. */
export async function runsOf(db: JobDb, jobid: number): Promise<Run[]> {
  const rows = await db.query<Run & { steps: StepRun[] | null }>(
    `SELECT jlgid, jlgstatus, jlgduration,
            (SELECT json_agg(json_build_object('jstname', jstname, 'jslstatus', jslstatus, 'jslresult', jslresult,
                                               'jsloutput', jsloutput) ORDER BY jslid)
               FROM pgagent.pga_jobsteplog JOIN pgagent.pga_jobstep ON jstid = jsljstid
              WHERE jsljlgid = jlgid) AS steps
       FROM pgagent.pga_joblog WHERE jlgjobid = $1 ORDER BY jlgid`,
    [jobid],
  );
  return rows.map((r) => ({ ...r, steps: r.steps ?? [] }));
}

/** Waits until the job has `count` finished runs and is released; returns its runs. */
export async function waitForRuns(db: JobDb, jobid: number, count = 1, timeoutMs = 30_000): Promise<Run[]> {
  let runs: Run[] = [];
  await waitFor(
    async () => {
      const [job] = await db.query<{ jobagentid: number | null }>(
        'SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1',
        [jobid],
      );
      runs = await runsOf(db, jobid);
      return job.jobagentid === null && runs.filter((r) => r.jlgstatus !== 'r').length >= count;
    },
    {
      timeoutMs,
      what: `${count} finished run(s) of job ${jobid}`,
      context: () => JSON.stringify(runs, null, 1),
    },
  );
  return runs;
}

/** Waits until the job has a run in progress (a step log row 'r'). */
export async function waitForRunningStep(db: JobDb, jobid: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () =>
      (
        await db.query(
          `SELECT 1 FROM pgagent.pga_jobsteplog JOIN pgagent.pga_joblog ON jlgid = jsljlgid
            WHERE jlgjobid = $1 AND jslstatus = 'r'`,
          [jobid],
        )
      ).length > 0,
    { timeoutMs, what: `a running step of job ${jobid}` },
  );
}

/** Waits until the job's running SQL step is executing (on its backend named `pgagent job <jobid> run <jlgid> db <oid>`); returns that backend's pid. */
export async function stepBackendPid(db: JobDb, jobid: number, timeoutMs = 30_000): Promise<number> {
  let pid = 0;
  await waitFor(
    async () => {
      const rows = await db.query<{ pid: number }>(
        `SELECT s.pid FROM pg_stat_activity s JOIN pgagent.pga_joblog l ON s.application_name = 'pgagent job ' || l.jlgjobid || ' run ' || l.jlgid || ' db ' || (SELECT oid FROM pg_database WHERE datname = current_database())
          WHERE l.jlgjobid = $1 AND l.jlgstatus = 'r' AND s.state = 'active'`,
        [jobid],
      );
      pid = rows[0]?.pid ?? 0;
      return pid !== 0;
    },
    { timeoutMs, what: `the backend of job ${jobid}'s running SQL step` },
  );
  return pid;
}

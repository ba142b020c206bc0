// Building jobs as pgAdmin writes them and making them due ("Run now"): the one set of job
// builders of the tests and the bench. Set-based, so the bench's thousand jobs are one statement.
import { Client, QueryResultRow } from 'pg';
import { Cluster } from '../../scripts/cluster';

/** What the builders need of a database: a TestDatabase, the bench's BenchDb, or one on a test's own cluster. */
export interface JobDb {
  name: string;
  connect(): Promise<Client>;
  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
}

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

/** A connection a test already holds (e.g. in a session time zone of its own), as a JobDb. */
export function clientJobDb(client: Client, name = ''): JobDb {
  return {
    name,
    connect: () => Promise.reject(new Error('clientJobDb: the test holds the only connection')),
    query: async (sql, params) => (await client.query(sql, params)).rows,
  };
}

export interface StepSpec {
  /** `{jobid}` is replaced by the job's id. */
  code: string;
  kind?: 's' | 'b';
  /** Steps run in order of name; the default names keep the order given. */
  name?: string;
  /** SQL steps: the database on the agent's server (default: the one the JobDb is on). */
  dbname?: string;
  /** SQL steps: a connection string instead of dbname. */
  connstr?: string;
  onerror?: 'f' | 's' | 'i';
  enabled?: boolean;
}

export interface JobSpec {
  name?: string;
  /** The job class's id (default: 'Miscellaneous'). */
  jclid?: number;
  enabled?: boolean;
  hostagent?: string;
  steps?: StepSpec[];
  /** Also give the job an every-minute schedule (otherwise it only runs when made due). */
  everyMinute?: boolean;
}

/** Creates n jobs named "<name> 1" to "<name> n", each with the spec's steps; not due until runNow(). */
export function createJobs(db: JobDb, n: number, spec: JobSpec = {}): Promise<number[]> {
  const base = spec.name ?? 'job';
  return insertJobs(
    db,
    spec,
    Array.from({ length: n }, (_, i) => `${base} ${i + 1}`),
  );
}

/** Creates the job; it is not due until runNow(). */
export async function createJob(db: JobDb, spec: JobSpec = {}): Promise<number> {
  const [jobid] = await insertJobs(db, spec, [spec.name ?? 'test job']);
  return jobid;
}

async function insertJobs(db: JobDb, spec: JobSpec, names: string[]): Promise<number[]> {
  const rows = await db.query<{ jobid: number }>(
    `INSERT INTO pgagent.pga_job (jobjclid, jobname, jobhostagent, jobenabled)
     SELECT coalesce($1::int4, (SELECT jclid FROM pgagent.pga_jobclass WHERE jclname = 'Miscellaneous')), n, $3, $4
       FROM unnest($2::text[]) WITH ORDINALITY AS t (n, i) ORDER BY i
     RETURNING jobid`,
    [spec.jclid ?? null, names, spec.hostagent ?? '', spec.enabled ?? true],
  );
  const ids = rows.map((r) => r.jobid).sort((a, b) => a - b);
  if (spec.steps?.length) await addSteps(db, ids, spec.steps);
  if (spec.everyMinute) {
    // All-false arrays mean "every minute"; the schedule trigger sets jobnextrun to the next one.
    await db.query(
      `INSERT INTO pgagent.pga_schedule (jscjobid, jscname) SELECT unnest($1::int4[]), 'every minute'`,
      [ids],
    );
  }
  return ids;
}

/** Adds the steps to each of the jobs; returns the new steps' ids, job by job, in the order given. */
export async function addSteps(db: JobDb, jobids: number[], steps: StepSpec[]): Promise<number[]> {
  const specs = steps.map((s, i) => ({
    nth: i,
    name: s.name ?? `step ${String(i + 1).padStart(2, '0')}`,
    kind: s.kind ?? 's',
    code: s.code,
    dbname: s.dbname ?? null,
    connstr: s.connstr ?? '',
    onerror: s.onerror ?? 'f',
    enabled: s.enabled ?? true,
  }));
  const rows = await db.query<{ jstid: number }>(
    `INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname, jstconnstr, jstonerror, jstenabled)
     SELECT j, s.name, s.kind::character(1), replace(s.code, '{jobid}', j::text),
            CASE WHEN s.kind = 's' AND s.connstr = '' THEN coalesce(s.dbname, current_database()) ELSE '' END,
            s.connstr, s.onerror::character(1), s.enabled
       FROM unnest($1::int4[]) WITH ORDINALITY AS jobs (j, jn),
            jsonb_to_recordset($2::jsonb)
              AS s (nth int, name text, kind text, code text, dbname name, connstr text, onerror text, enabled boolean)
      ORDER BY jn, s.nth
     RETURNING jstid`,
    [jobids, JSON.stringify(specs)],
  );
  return rows.map((r) => r.jstid).sort((a, b) => a - b);
}

export interface Due {
  jobid: number;
  /** ISO 8601 with microseconds (a Date would keep milliseconds only). */
  due: string;
}

/** pgAdmin's "Run now", for all the jobs in one statement: they become due at the same instant, returned. */
export function runNow(db: JobDb, ...jobids: number[]): Promise<Due[]> {
  return db.query<Due>(
    `UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = ANY($1)
     RETURNING jobid, to_json(jobnextrun) #>> '{}' AS due`,
    [jobids],
  );
}

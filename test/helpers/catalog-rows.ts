// Rows of every pgagent table for the catalog tests (dump, upgrade, triggers), inserted the way
// pgAdmin writes them; jobs and steps through the shared builders.
import { Client } from 'pg';
import { TestDatabase } from './db';
import { addSteps, clientJobDb, createJob } from './jobs';

/**
 * Schedules start far in the future so next runs do not depend on the clock: in a UTC
 * database (utcClient), insertSchedule's default schedule first fires at FAR_FIRST_RUN.
 */
const FAR_START = '2100-01-01 00:00:00+00';
export const FAR_FIRST_RUN = '2100-01-01T12:00:00.000Z';

/** A boolean[] literal of n entries with the given 1-based positions true. */
export function boolArray(n: number, trueAt: number[] = []): string {
  return `{${Array.from({ length: n }, (_, i) => (trueAt.includes(i + 1) ? 't' : 'f')).join(',')}}`;
}

async function insert(client: Client, sql: string, params: unknown[]): Promise<number> {
  const rows = (await client.query(sql, params)).rows;
  return Object.values(rows[0])[0] as number;
}

/** A job without steps, of class 1 unless told. */
export function insertJob(
  client: Client,
  opts: { name?: string; enabled?: boolean; jclid?: number } = {},
): Promise<number> {
  return createJob(clientJobDb(client), {
    name: opts.name ?? 'job',
    enabled: opts.enabled,
    jclid: opts.jclid ?? 1,
  });
}

/** One step of the job: `SELECT 1` on the database postgres, or a batch step. */
export async function insertStep(
  client: Client,
  jobid: number,
  opts: { kind?: 's' | 'b'; name?: string } = {},
): Promise<number> {
  const [jstid] = await addSteps(
    clientJobDb(client),
    [jobid],
    [{ code: 'SELECT 1', kind: opts.kind, name: opts.name ?? 'step', dbname: 'postgres' }],
  );
  return jstid;
}

/** Fires daily at hour:00 (default 12:00) from FAR_START on. */
export function insertSchedule(client: Client, jobid: number, opts: { hour?: number } = {}): Promise<number> {
  return insert(
    client,
    `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscstart, jscminutes, jschours)
     VALUES ($1, 'schedule', $2, $3::boolean[], $4::boolean[]) RETURNING jscid`,
    [jobid, FAR_START, boolArray(60, [1]), boolArray(24, [(opts.hour ?? 12) + 1])],
  );
}

export function insertException(
  client: Client,
  jscid: number,
  date: string | null,
  time: string | null = null,
): Promise<number> {
  return insert(
    client,
    'INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime) VALUES ($1, $2, $3) RETURNING jexid',
    [jscid, date, time],
  );
}

/** A finished run of the job with one step log row; returns the joblog id. */
export async function insertRun(client: Client, jobid: number, jstid: number): Promise<number> {
  const jlgid = await insert(
    client,
    "INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgduration) VALUES ($1, 's', '1 second') RETURNING jlgid",
    [jobid],
  );
  await client.query(
    `INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jslduration, jsloutput)
     VALUES ($1, $2, 's', 1, '1 second', 'out')`,
    [jlgid, jstid],
  );
  return jlgid;
}

export const TABLES = [
  'pga_jobagent',
  'pga_jobclass',
  'pga_job',
  'pga_jobstep',
  'pga_schedule',
  'pga_exception',
  'pga_joblog',
  'pga_jobsteplog',
];

/** Row count of every pgagent table. */
export async function tableCounts(client: Client): Promise<Record<string, number>> {
  const sql = `SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM pgagent.${t}) AS ${t}`).join(', ')}`;
  return (await client.query(sql)).rows[0];
}

/**
 * A connection to the database with its time zone set to UTC, so FAR_FIRST_RUN holds: 4.2
 * reads schedules in the session's zone, 4.3 in the database's (its TimeZone setting).
 */
export async function utcClient(db: TestDatabase): Promise<Client> {
  await db.query(`ALTER DATABASE ${db.name} SET timezone = 'UTC'`);
  return db.connect();
}

/** Jobs of a user class and a built-in one, with steps, schedules, exceptions and runs. */
export async function addUserJobs(client: Client): Promise<void> {
  const { rows } = await client.query(
    "INSERT INTO pgagent.pga_jobclass (jclname) VALUES ('Backups') RETURNING jclid",
  );
  for (const jclid of [rows[0].jclid, 1]) {
    const jobid = await insertJob(client, { jclid, name: `job of class ${jclid}` });
    const jstid = await insertStep(client, jobid);
    await insertStep(client, jobid, { kind: 'b', name: 'batch' });
    const jscid = await insertSchedule(client, jobid);
    await insertException(client, jscid, '2100-01-01', `0${jclid % 10}:00`);
    await insertRun(client, jobid, jstid);
  }
}

/** Every row of every table. jobnextrun is left out: restoring the schedules fires their
 *  trigger, which recomputes it in the restoring session's time zone. */
export async function allRows(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    result[table] = await db.query(
      `SELECT to_jsonb(t) - 'jobnextrun' AS row FROM pgagent.${table} t ORDER BY 1`,
    );
  }
  return result;
}

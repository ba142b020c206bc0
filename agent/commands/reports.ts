// What the status commands read: the SQL API's views (pgagent.job_status,
// pgagent.job_run_details) and functions (explain, run_now), one statement per command part.
import { Client } from 'pg';
import { Cell } from './table';

export interface Section {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** The rows as objects, for --json. */
  records: Record<string, unknown>[];
}

const AGENTS = `
SELECT jagpid AS pid, jagstation AS station, jaglogintime AS login_time, pgagent.pga_agent_alive(jagpid) AS alive,
       (SELECT count(*)::int FROM pgagent.pga_job WHERE jobagentid = jagpid) AS running_jobs
  FROM pgagent.pga_jobagent ORDER BY jaglogintime`;
const RUNNING = `
SELECT jobid, jobname, running_station, running_agent, running_agent_alive, running_since
  FROM pgagent.job_status WHERE running_agent IS NOT NULL ORDER BY running_since`;
const RECENT_FAILURES = `
SELECT jobid, runid, job_name, status, start_time, return_message
  FROM pgagent.job_run_details WHERE status IN ('failed', 'aborted', 'internal error')
 ORDER BY start_time DESC, runid DESC LIMIT $1`;
const NEXT_DUE = `
SELECT jobid, jobname, next_run, schedules
  FROM pgagent.job_status WHERE enabled AND next_run IS NOT NULL ORDER BY next_run LIMIT $1`;
const JOBS = `
SELECT jobid, jobname, enabled, schedules, next_run, last_start, last_status, consecutive_failures, last_failure_message
  FROM pgagent.job_status ORDER BY jobid`;
const HISTORY = `
SELECT runid, status, start_time, end_time, step, return_message
  FROM pgagent.job_run_details WHERE jobid = $1 ORDER BY runid DESC LIMIT $2`;
const EXPLAIN = 'SELECT reason FROM pgagent.explain($1)';
const JOB_BY_NAME = 'SELECT pgagent.pga_job_named($1) AS jobid';
const RUN_NOW = 'SELECT pgagent.run_now($1::int4)';
const STOP = 'SELECT pgagent.stop($1::int4) AS asked';

async function section(
  client: Client,
  title: string,
  sql: string,
  params: unknown[],
  columns?: Record<string, string>,
): Promise<Section> {
  const { rows, fields } = await client.query(sql, params);
  const names = fields.map((f) => f.name);
  return {
    title,
    columns: names.map((n) => columns?.[n] ?? n),
    rows: rows.map((r) => names.map((n) => display(r[n]))),
    records: rows,
  };
}

function display(v: unknown): Cell {
  if (Array.isArray(v)) return v.join('; ');
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return JSON.stringify(v);
  return v as Cell;
}

/** A job given as an id or a name (names that are all digits need the id). */
export async function jobId(client: Client, job: string): Promise<number> {
  if (/^\d+$/.test(job)) return Number(job);
  return (await client.query(JOB_BY_NAME, [job])).rows[0].jobid;
}

export async function status(client: Client, limit: number): Promise<Section[]> {
  return [
    await section(client, 'Agents', AGENTS, []),
    await section(client, 'Running', RUNNING, [], {
      running_station: 'station',
      running_agent: 'agent',
      running_agent_alive: 'alive',
      running_since: 'since',
    }),
    await section(client, 'Recent failures', RECENT_FAILURES, [limit]),
    await section(client, 'Next due', NEXT_DUE, [limit]),
  ];
}

export async function jobs(client: Client): Promise<Section[]> {
  return [
    await section(client, 'Jobs', JOBS, [], {
      consecutive_failures: 'failures',
      last_failure_message: 'last failure',
    }),
  ];
}

export async function history(client: Client, job: string, limit: number): Promise<Section[]> {
  const id = await jobId(client, job);
  return [await section(client, `Runs of job ${id}`, HISTORY, [id, limit])];
}

export async function explain(client: Client, job: string): Promise<Section[]> {
  const id = await jobId(client, job);
  return [await section(client, `Job ${id}`, EXPLAIN, [id])];
}

export async function runNow(client: Client, job: string): Promise<string> {
  const id = await jobId(client, job);
  await client.query(RUN_NOW, [id]);
  return `job ${id} is due now`;
}

export async function stop(client: Client, job: string): Promise<string> {
  const id = await jobId(client, job);
  const { asked } = (await client.query<{ asked: boolean }>(STOP, [id])).rows[0];
  return asked
    ? `job ${id}: asked its agent to stop the running run`
    : `job ${id} is not running: nothing to stop`;
}
